/**
 * Minute accounting: the reservation rule, settle and refund (idempotent), stale reservations,
 * usage records, and the balance under 100 concurrent requests, on every storage backend.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { isVoxgateError } from '../../src/errors/index.js';
import type { SpeechCaller } from '../../src/speech/accounts/index.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import { catalogued, openAccounts, type AccountsContext } from './support/accounts-fixtures.js';

const run = promisify(execFile);
const WORKER = path.join(import.meta.dirname, 'support', 'minute-worker.ts');

for (const kind of testDatabaseKinds()) {
  describe(`speech accounts: minutes (${kind})`, () => {
    let ctx: AccountsContext;
    before(async () => {
      ctx = await openAccounts(kind);
    });
    after(() => ctx.close());

    /** A client with `minutes` and a caller for it (optionally an end user). */
    async function callerWith(minutes: number, endUser?: string): Promise<SpeechCaller> {
      const c = await ctx.accounts.admin.createClient({
        name: `c-${minutes}`,
        minutes,
        apis: ['scripted', 'unscripted'],
      });
      if (endUser) await ctx.accounts.admin.addEndUser(c.clientId, endUser);
      const t = await ctx.accounts.admin.createToken(c.clientId);
      return ctx.accounts.authenticate({
        token: t.token,
        api: 'scripted',
        endUser,
      });
    }
    const client = (id: string) => ctx.accounts.admin.getClient(id);

    test('a zero balance always fails, even for 1 ms', async () => {
      const caller = await callerWith(0);
      await catalogued(ctx.accounts.reserve(caller, 'scripted', 1), 'ClientHasNoMoreMinutes');
      await catalogued(ctx.accounts.reserve(caller, 'scripted', 0.001), 'ClientHasNoMoreMinutes');
      await catalogued(
        ctx.accounts.reserve(caller, 'scripted', 5000, { minimumMs: 1 }),
        'ClientHasNoMoreMinutes',
      );
      const e = await catalogued(
        ctx.accounts.reserve(caller, 'unscripted', 1),
        'ClientHasNoMoreMinutes',
      );
      assert.equal(e.message, 'User has no remaining minutes');
    });

    test('a hold succeeds when balance − open holds covers it, exactly', async () => {
      const caller = await callerWith(0.1); // 6000 ms
      const a = await ctx.accounts.reserve(caller, 'scripted', 4000);
      assert.equal(a.reservedMs, 4000);
      assert.equal(a.clientId, caller.clientId);
      assert.deepEqual(
        [(await client(caller.clientId)).reservedMs, (await client(caller.clientId)).availableMs],
        [4000, 2000],
      );
      await catalogued(ctx.accounts.reserve(caller, 'scripted', 2001), 'ClientHasNoMoreMinutes');
      const b = await ctx.accounts.reserve(caller, 'scripted', 2000);
      await catalogued(ctx.accounts.reserve(caller, 'scripted', 1), 'ClientHasNoMoreMinutes');
      await ctx.accounts.refund(b);
      assert.equal((await ctx.accounts.reserve(caller, 'scripted', 1999.2)).reservedMs, 2000);
      await ctx.accounts.refund(a);
    });

    test('minimumMs takes what the balance allows, not less than the minimum', async () => {
      const caller = await callerWith(0.05); // 3000 ms
      const held = await ctx.accounts.reserve(caller, 'scripted', 60_000, { minimumMs: 500 });
      assert.equal(held.reservedMs, 3000);
      await catalogued(
        ctx.accounts.reserve(caller, 'scripted', 60_000, { minimumMs: 1 }),
        'ClientHasNoMoreMinutes',
      );
      await ctx.accounts.settle(held, 2500);
      await catalogued(
        ctx.accounts.reserve(caller, 'scripted', 60_000, { minimumMs: 501 }),
        'ClientHasNoMoreMinutes',
      );
      const rest = await ctx.accounts.reserve(caller, 'scripted', 60_000, { minimumMs: 500 });
      assert.equal(rest.reservedMs, 500);
      await ctx.accounts.refund(rest);
    });

    test('settle charges the real duration (at most the hold), releases the rest, records usage', async () => {
      const caller = await callerWith(1, 'learner');
      assert.equal(caller.endUserId, 'learner');
      const held = await ctx.accounts.reserve(caller, 'scripted', 10_000);
      assert.equal(held.endUserId, 'learner');
      await ctx.accounts.settle(held, 3210.4);
      let c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [60_000 - 3211, 0, 3211]);
      // Settling again charges nothing; refunding after a settle does nothing.
      await ctx.accounts.settle(held, 3210.4);
      await ctx.accounts.settle(held, 9999);
      await ctx.accounts.refund(held);
      c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [60_000 - 3211, 0, 3211]);
      // More than reserved is capped at the reservation.
      const capped = await ctx.accounts.reserve(caller, 'unscripted', 1000);
      await ctx.accounts.settle(capped, 50_000);
      c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.usedMs], [60_000 - 4211, 4211]);
      const usage = await ctx.accounts.admin.usage(caller.clientId);
      assert.deepEqual(usage.total, { requests: 2, chargedMs: 4211, minutes: 4211 / 60_000 });
      assert.deepEqual(usage.byEndUser, [
        { endUserId: 'learner', requests: 2, chargedMs: 4211, minutes: 4211 / 60_000 },
      ]);
      const today = new Date(ctx.clock.now).toISOString().slice(0, 10);
      assert.deepEqual(
        usage.byDay.map((d) => [d.day, d.api, d.requests, d.chargedMs]),
        [
          [today, 'scripted', 1, 3211],
          [today, 'unscripted', 1, 1000],
        ],
      );
      const filtered = await ctx.accounts.admin.usage(caller.clientId, {
        from: '2000-01-01',
        to: '2000-12-31',
      });
      assert.deepEqual(filtered.total, { requests: 0, chargedMs: 0, minutes: 0 });
    });

    test('refund releases the hold without charge; idempotent; settle after refund charges nothing', async () => {
      const caller = await callerWith(0.5);
      const held = await ctx.accounts.reserve(caller, 'scripted', 30_000);
      await ctx.accounts.refund(held);
      await ctx.accounts.refund(held);
      await ctx.accounts.settle(held, 30_000);
      const c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [30_000, 0, 0]);
      assert.equal((await ctx.accounts.admin.usage(caller.clientId)).total.requests, 0);
    });

    test('requests without an end user are counted under none', async () => {
      const caller = await callerWith(1);
      await ctx.accounts.settle(await ctx.accounts.reserve(caller, 'scripted', 100), 100);
      const usage = await ctx.accounts.admin.usage(caller.clientId, { endUserId: null });
      assert.deepEqual(usage.byEndUser, [
        { endUserId: null, requests: 1, chargedMs: 100, minutes: 100 / 60_000 },
      ]);
    });

    test('stale holds of a crashed process expire and are released when they block a hold', async () => {
      const caller = await callerWith(0.1); // 6000 ms
      const start = ctx.clock.now;
      try {
        const stale = await ctx.accounts.reserve(caller, 'scripted', 6000, { ttlMs: 60_000 });
        assert.equal(stale.expiresAt, start + 60_000);
        await catalogued(ctx.accounts.reserve(caller, 'scripted', 1), 'ClientHasNoMoreMinutes');
        ctx.clock.now = start + 60_000; // not yet: expiry is strictly after expiresAt
        await catalogued(ctx.accounts.reserve(caller, 'scripted', 1), 'ClientHasNoMoreMinutes');
        ctx.clock.now = start + 60_001;
        const fresh = await ctx.accounts.reserve(caller, 'scripted', 6000);
        // The crashed holder coming back settles nothing: its hold is gone.
        await ctx.accounts.settle(stale, 6000);
        let c = await client(caller.clientId);
        assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [6000, 6000, 0]);
        await ctx.accounts.settle(fresh, 1000);
        c = await client(caller.clientId);
        assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [5000, 0, 1000]);
      } finally {
        ctx.clock.now = start;
      }
    });

    test('the default hold lives 30 minutes; releaseExpiredReservations sweeps every client', async () => {
      const a = await callerWith(1);
      const b = await callerWith(1);
      const start = ctx.clock.now;
      try {
        const ha = await ctx.accounts.reserve(a, 'scripted', 1000);
        await ctx.accounts.reserve(b, 'scripted', 2000);
        assert.equal(ha.expiresAt, start + 30 * 60_000);
        ctx.clock.now = start + 30 * 60_000 + 1;
        assert.ok((await ctx.accounts.releaseExpiredReservations()) >= 2);
        assert.equal((await client(a.clientId)).reservedMs, 0);
        assert.equal((await client(b.clientId)).reservedMs, 0);
      } finally {
        ctx.clock.now = start;
      }
    });

    test('an operator lowering the balance below the holds never makes it negative', async () => {
      const caller = await callerWith(1);
      const held = await ctx.accounts.reserve(caller, 'scripted', 50_000);
      await ctx.accounts.admin.updateClient(caller.clientId, { minutes: 0.5 }); // 30 000 ms
      assert.equal((await client(caller.clientId)).availableMs, 0);
      await catalogued(ctx.accounts.reserve(caller, 'scripted', 1), 'ClientHasNoMoreMinutes');
      await ctx.accounts.settle(held, 45_000);
      const c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [0, 0, 45_000]);
      // A top-up adds to what is there.
      await ctx.accounts.admin.updateClient(caller.clientId, { addMinutes: '1.5' });
      assert.equal((await client(caller.clientId)).balanceMs, 90_000);
    });

    test('a hold for a client that no longer exists is UserDoesNotExist client', async () => {
      const ghost: SpeechCaller = {
        clientId: 'vxc_00000000000000000000',
        clientName: 'ghost',
        endUserId: null,
        tokenId: 'vxt_00000000000000000000',
      };
      await catalogued(ctx.accounts.reserve(ghost, 'scripted', 1), 'UserDoesNotExist', {
        user_type: 'client',
      });
      await catalogued(
        ctx.accounts.reserve(ghost, 'scripted', 10, { minimumMs: 1 }),
        'UserDoesNotExist',
      );
    });

    test('bad amounts are programming errors, not catalogued ones', async () => {
      const caller = await callerWith(1);
      for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
        await assert.rejects(ctx.accounts.reserve(caller, 'scripted', bad), RangeError);
      const held = await ctx.accounts.reserve(caller, 'scripted', 10);
      await assert.rejects(ctx.accounts.settle(held, Number.NaN), RangeError);
      await ctx.accounts.settle(held, -5); // a negative duration charges nothing
      assert.equal((await client(caller.clientId)).usedMs, 0);
    });

    test('100 concurrent requests against a balance that covers 37: exact charge, never below zero', async () => {
      const caller = await callerWith(37.5 / 60); // 37 500 ms: 37 holds of 1000 ms
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, async () => {
          try {
            const held = await ctx.accounts.reserve(caller, 'scripted', 1000);
            // The full hold is charged (nothing comes back for later requests), and settled
            // twice at once: only one of them charges.
            await Promise.all([ctx.accounts.settle(held, 1000), ctx.accounts.settle(held, 1000)]);
            await ctx.accounts.refund(held);
            return 'charged';
          } catch (e) {
            if (isVoxgateError(e) && e.definition.name === 'ClientHasNoMoreMinutes')
              return 'refused';
            throw e;
          }
        }),
      );
      assert.equal(outcomes.filter((o) => o === 'charged').length, 37);
      const c = await client(caller.clientId);
      assert.deepEqual([c.balanceMs, c.reservedMs, c.usedMs], [500, 0, 37_000]);
      const usage = await ctx.accounts.admin.usage(caller.clientId);
      assert.deepEqual([usage.total.requests, usage.total.chargedMs], [37, 37_000]);
    });

    test('100 concurrent requests over several connections with partial charges: the books balance', async () => {
      const caller = await callerWith(1); // 60 000 ms
      // Several pools on PostgreSQL. SQLite gets one connection per process (its busy wait is
      // synchronous: two connections in one process would wait on each other); the
      // multi-process test covers SQLite writers racing.
      const others =
        kind === 'postgres' ? await Promise.all([1, 2, 3].map(() => ctx.openAnother())) : [];
      try {
        const pool = [ctx.accounts, ...others.map((o) => o.accounts)];
        let observedNegative = false;
        const charges = await Promise.all(
          Array.from({ length: 100 }, async (_, i) => {
            const accounts = pool[i % pool.length]!;
            try {
              // Every third takes what is left (down to 500 ms) when the full hold does not fit.
              const held = await accounts.reserve(
                caller,
                'scripted',
                2000 + (i % 7) * 300,
                i % 3 === 0 ? { minimumMs: 500 } : {},
              );
              const actual = (i * 37) % (held.reservedMs + 1);
              const c = await accounts.admin.getClient(caller.clientId);
              if (c.balanceMs < 0 || c.availableMs < 0) observedNegative = true;
              if (i % 5 === 0) {
                await accounts.refund(held);
                await accounts.settle(held, actual);
                return 0;
              }
              await Promise.all([
                accounts.settle(held, actual),
                pool[(i + 1) % pool.length]!.settle(held, actual),
              ]);
              return Math.ceil(actual);
            } catch (e) {
              if (isVoxgateError(e) && e.definition.name === 'ClientHasNoMoreMinutes') return 0;
              throw e;
            }
          }),
        );
        assert.equal(observedNegative, false);
        const charged = charges.reduce((a, b) => a + b, 0);
        const c = await client(caller.clientId);
        assert.ok(c.balanceMs >= 0);
        assert.equal(c.reservedMs, 0);
        assert.equal(c.usedMs, charged);
        assert.equal(c.balanceMs, 60_000 - charged);
        assert.equal((await ctx.accounts.admin.usage(caller.clientId)).total.chargedMs, charged);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    test('4 processes × 25 concurrent requests on one balance: the books balance', async () => {
      const c = await ctx.accounts.admin.createClient({
        name: 'multi-process',
        minutes: 1, // 60 000 ms: about half of the requests fit
        apis: ['scripted'],
      });
      const { token } = await ctx.accounts.admin.createToken(c.clientId);
      const outputs = await Promise.all(
        [0, 1, 2, 3].map((seed) =>
          run(process.execPath, [
            '--import',
            'tsx',
            WORKER,
            ctx.databaseUrl,
            token,
            '25',
            String(seed),
          ]),
        ),
      );
      const results = outputs.map(
        (o) => JSON.parse(o.stdout) as { charged: number; refused: number },
      );
      const charged = results.reduce((a, r) => a + r.charged, 0);
      const refused = results.reduce((a, r) => a + r.refused, 0);
      assert.ok(refused > 0 && refused < 100, `refused ${refused}`);
      const after = await client(c.clientId);
      assert.deepEqual(
        [after.balanceMs, after.reservedMs, after.usedMs],
        [60_000 - charged, 0, charged],
      );
      const usage = await ctx.accounts.admin.usage(c.clientId);
      assert.deepEqual([usage.total.requests, usage.total.chargedMs], [100 - refused, charged]);
    });
  });
}
