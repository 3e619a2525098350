/**
 * One process of the multi-process minute test: authenticates with a token, runs `count`
 * concurrent reserve → settle (twice) rounds against the shared database and prints
 * `{"charged": <ms>, "refused": <n>}`.
 *
 *   node --import tsx minute-worker.ts <databaseUrl> <token> <count> <seed>
 */
import { SpeechAccounts } from '../../../src/speech/accounts/index.js';
import { isVoxgateError } from '../../../src/errors/index.js';
import { SpeechAccountsRepository, openStorage } from '../../../src/storage/index.js';

const [databaseUrl, token, countText, seedText] = process.argv.slice(2);
const { dialect } = await openStorage(databaseUrl!);
try {
  const accounts = new SpeechAccounts(new SpeechAccountsRepository(dialect));
  const caller = await accounts.authenticate({ token: token!, api: 'scripted' });
  const seed = Number(seedText);
  const results = await Promise.all(
    Array.from({ length: Number(countText) }, async (_, i) => {
      try {
        const held = await accounts.reserve(caller, 'scripted', 1500 + ((i + seed) % 5) * 250);
        const actual = ((i + 1) * (seed + 7) * 131) % (held.reservedMs + 1);
        await Promise.all([accounts.settle(held, actual), accounts.settle(held, actual)]);
        return actual;
      } catch (e) {
        if (isVoxgateError(e) && e.definition.name === 'ClientHasNoMoreMinutes') return -1;
        throw e;
      }
    }),
  );
  process.stdout.write(
    `${JSON.stringify({
      charged: results.filter((r) => r >= 0).reduce((a, b) => a + b, 0),
      refused: results.filter((r) => r < 0).length,
    })}\n`,
  );
} finally {
  await dialect.db.destroy();
}
