/**
 * Minute holds of a server process that died are released as soon as another process can tell:
 * at once on the same host (its pid is gone, or is the new process's own), after the
 * missed-heartbeat window from another host; a live server's holds and an async job's
 * (adopted) hold are never touched. Real storage, both backends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerInstance, newInstanceId } from '../../src/runtime/server-instance.js';
import { ServerInstancesRepository } from '../../src/storage/index.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import { openAccounts, type AccountsContext } from './support/accounts-fixtures.js';

const SILENT = { info: () => undefined, error: () => undefined };
const caller = (clientId: string) => ({ clientId, clientName: 'c', endUserId: null, tokenId: 't' });

for (const kind of testDatabaseKinds()) {
  describe(`holds of crashed servers (${kind})`, () => {
    let context: AccountsContext;
    before(async () => {
      context = await openAccounts(kind);
    });
    after(async () => {
      await context?.close();
    });

    /** A server process as the registry sees it, with its own SpeechAccounts holding minutes. */
    const server = async (host: string, pid: number, running: (pid: number) => boolean) => {
      const id = newInstanceId();
      const other = await context.openAnother({ holderInstance: id });
      const instance = new ServerInstance(
        id,
        new ServerInstancesRepository(context.dialect),
        [() => other.accounts.releaseUnheldReservations()],
        SILENT,
        { host, pid, isRunning: running, now: () => context.clock.now },
      );
      await instance.register();
      return { instance, accounts: other.accounts, close: other.close };
    };

    const newClient = async (minutes: number) =>
      (await context.accounts.admin.createClient({ name: 'c', minutes, apis: ['scripted'] }))
        .clientId;
    const available = async (clientId: string) =>
      (await context.accounts.admin.getClient(clientId)).availableMs;

    test('a restart on the same host releases the dead process holds at once', async () => {
      const clientId = await newClient(1);
      const dead = await server('host-a', 4242, () => true);
      await dead.accounts.reserve(caller(clientId), 'scripted', 50_000);
      assert.equal(await available(clientId), 10_000, 'held while the process lives');
      // kill -9: no stop(), no heartbeat. The new process on host-a finds pid 4242 gone.
      const restarted = await server('host-a', 5151, (pid) => pid !== 4242);
      assert.deepEqual(await restarted.instance.sweep(), { dead: 1, released: 1 });
      assert.equal(await available(clientId), 60_000);
      // The restarted server may hold the whole balance again.
      await restarted.accounts.reserve(caller(clientId), 'scripted', 60_000);
      await restarted.instance.stop();
      assert.equal(await available(clientId), 60_000, 'a clean stop releases what is left');
      await Promise.all([dead.close(), restarted.close()]);
    });

    test('a container restart (same pid, new instance) counts the old one dead', async () => {
      const clientId = await newClient(1);
      const before = await server('pod-0', 1, () => true);
      await before.accounts.reserve(caller(clientId), 'scripted', 30_000);
      const after = await server('pod-0', 1, () => true);
      assert.equal((await after.instance.sweep()).dead, 1);
      assert.equal(await available(clientId), 60_000);
      await after.instance.stop();
      await Promise.all([before.close(), after.close()]);
    });

    test('another host: live servers keep their holds; a silent one loses them after the window', async () => {
      const clientId = await newClient(1);
      const remote = await server('host-b', 77, () => true);
      const local = await server('host-c', 88, () => false);
      await remote.accounts.reserve(caller(clientId), 'scripted', 20_000);
      assert.equal((await local.instance.sweep()).dead, 0, 'another host: the pid says nothing');
      assert.equal(await available(clientId), 40_000);
      context.clock.now += 29_000;
      await local.instance.register();
      assert.equal((await local.instance.sweep()).dead, 0, 'within the heartbeat window');
      context.clock.now += 2_000;
      await local.instance.register();
      assert.deepEqual(await local.instance.sweep(), { dead: 1, released: 1 });
      assert.equal(await available(clientId), 60_000);
      await local.instance.stop();
      await Promise.all([remote.close(), local.close()]);
    });

    test('an adopted hold (an async job) outlives its process', async () => {
      const clientId = await newClient(1);
      const dead = await server('host-d', 9, () => true);
      const held = await dead.accounts.reserve(caller(clientId), 'scripted', 15_000);
      await dead.accounts.adopt(held);
      const next = await server('host-d', 10, () => false);
      assert.deepEqual(await next.instance.sweep(), { dead: 1, released: 0 });
      assert.equal(await available(clientId), 45_000, 'the job still holds its minutes');
      await next.accounts.settle(held, 10_000);
      assert.equal(await available(clientId), 50_000, 'and whoever runs it settles them');
      await next.instance.stop();
      await Promise.all([dead.close(), next.close()]);
    });
  });
}
