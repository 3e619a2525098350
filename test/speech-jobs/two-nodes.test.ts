/**
 * The job queue across nodes: two `voxgate serve` processes on one database take jobs from one
 * queue, and every job runs exactly once (one claim, one charge); a node killed with kill -9
 * while it runs jobs gives them up, and the other node finishes them, each charged once.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStorage } from '../../src/storage/index.js';
import { ServerProcess } from '../support/server-process.js';
import {
  createTestDatabase,
  databaseUrlOf,
  testDatabaseKinds,
  type TestDatabase,
} from '../support/test-databases.js';
import { Operator, UTTERANCES, ended, submitted } from './support/speech-jobs-fixtures.js';

const ARGS = ['--asr-workers', '2', '--speech-job-concurrency', '1', '--job-lease-ms', '60000'];

interface QueueRow {
  readonly job_id: string;
  readonly state: string;
  readonly attempts: number;
  readonly lease_owner: string | null;
}

/** The queue's rows and the registered instances, read from the database directly. */
async function queueState(
  database: TestDatabase,
): Promise<{ rows: QueueRow[]; instances: { instance_id: string; pid: number }[] }> {
  const { dialect } = await openStorage(databaseUrlOf(database));
  try {
    const db = dialect.db.withTables<{ job_queue: QueueRow }>();
    const rows = await db.selectFrom('job_queue').selectAll().execute();
    const instances = await dialect.db
      .selectFrom('server_instances')
      .select(['instance_id', 'pid'])
      .execute();
    return {
      rows: rows.map((r) => ({ ...r, attempts: Number(r.attempts) })),
      instances: instances.map((i) => ({ ...i, pid: Number(i.pid) })),
    };
  } finally {
    await dialect.db.destroy();
  }
}

// Several nodes share PostgreSQL in production: the test runs there (on SQLite, the embedded
// single-node store, only when no PostgreSQL is configured).
for (const kind of testDatabaseKinds().includes('postgres')
  ? (['postgres'] as const)
  : testDatabaseKinds()) {
  describe(`the job queue on two nodes (${kind})`, { timeout: 300_000 }, () => {
    const started: ServerProcess[] = [];
    const databases: TestDatabase[] = [];
    after(async () => {
      await Promise.all(started.map((s) => s.stop()));
      for (const d of databases) await d.drop();
    });
    const twoNodes = async () => {
      const database = await createTestDatabase(kind);
      databases.push(database);
      const a = await ServerProcess.start(kind, ARGS, database);
      const b = await ServerProcess.start(kind, ARGS, database);
      started.push(a, b);
      return { database, a, b };
    };
    /** Per end user: how often it was charged (each job is submitted for an end user of its own). */
    const chargesByEndUser = async (server: ServerProcess, clientId: string) => {
      const credentials = await server.credentials();
      const res = await fetch(`${server.url}/admin/v1/speech/clients/${clientId}/usage`, {
        headers: { authorization: `Bearer ${credentials.adminToken}` },
      });
      const usage = (await res.json()) as {
        byEndUser: { endUserId: string | null; requests: number }[];
      };
      return new Map(usage.byEndUser.map((u) => [u.endUserId, u.requests]));
    };

    test('jobs submitted to both nodes each run exactly once', async () => {
      const { database, a, b } = await twoNodes();
      const operator = await Operator.of(a);
      const endUsers = Array.from({ length: 6 }, (_, i) => `both-${i}`);
      const { clientId, token } = await operator.client(10, endUsers);
      const jobs = await Promise.all(
        endUsers.map((endUser, i) =>
          submitted(i % 2 === 0 ? a : b, token, UTTERANCES[i % UTTERANCES.length]!, {
            user_id: endUser,
          }),
        ),
      );
      for (const job of jobs) {
        const done = await ended(a, token, job.job_id, 60_000);
        assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
      }
      const { rows, instances } = await queueState(database);
      const mine = rows.filter((r) => jobs.some((j) => j.job_id === r.job_id));
      assert.equal(mine.length, jobs.length);
      assert.ok(
        mine.every((r) => r.state === 'done' && r.attempts === 1),
        JSON.stringify(mine),
      );
      assert.equal(instances.length, 2);
      const charges = await chargesByEndUser(a, clientId);
      for (const endUser of endUsers) assert.equal(charges.get(endUser), 1, endUser);
    });

    test('a node killed mid-job gives its jobs up; the other finishes them, charged once', async () => {
      const { database, a, b } = await twoNodes();
      const operator = await Operator.of(b);
      const endUsers = Array.from({ length: 6 }, (_, i) => `kill-${i}`);
      const { clientId, token } = await operator.client(10, endUsers);
      const jobs = [];
      for (const [i, endUser] of endUsers.entries())
        jobs.push(
          await submitted(a, token, UTTERANCES[i % UTTERANCES.length]!, { user_id: endUser }),
        );
      // Kill A as soon as it holds a running job.
      const aInstance = async () =>
        (await queueState(database)).instances.find((i) => i.pid === a.child.pid)?.instance_id;
      const deadline = Date.now() + 30_000;
      let held: QueueRow[] = [];
      while (Date.now() < deadline) {
        const id = await aInstance();
        held = (await queueState(database)).rows.filter(
          (r) => r.state === 'running' && r.lease_owner === id,
        );
        if (held.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(held.length > 0, 'A took a job before the kill');
      await a.stop('SIGKILL');

      // B notices A is gone (its process is not running) within a sweep and takes its jobs over.
      for (const job of jobs) {
        const done = await ended(b, token, job.job_id, 90_000);
        assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
      }
      const { rows } = await queueState(database);
      for (const h of held) {
        const row = rows.find((r) => r.job_id === h.job_id)!;
        assert.equal(row.state, 'done');
        assert.equal(row.attempts, 2, 'claimed by A, then once more by B');
      }
      const charges = await chargesByEndUser(b, clientId);
      for (const endUser of endUsers) assert.equal(charges.get(endUser), 1, endUser);
      const balance = await operator.balance(clientId);
      assert.equal(balance.reservedMs, 0);
    });
  });
}
