import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withStorageOptions } from './common-options.js';
import { print, withRuntime } from './with-runtime.js';

/**
 * `voxgate admin fraudsters create`: an operator tool that seeds a fraudster on a watchlist,
 * its audio stored encrypted under the domain's key. Until fraudster registration jobs compute
 * voiceprints, this is how fraudsters enter a domain.
 */
export function registerAdminFraudsters(admin: Command): void {
  const cmd = admin.command('fraudsters').description('Voice ID fraudsters (operator tools)');
  withStorageOptions(
    cmd.command('create').description('create a fraudster on a watchlist of a domain'),
  )
    .requiredOption('--domain <id>', 'the domain id')
    .option('--watchlist <id>', 'the watchlist (default: the domain default watchlist)')
    .option('--audio <file...>', 'audio files of the fraudster, stored encrypted')
    .option('--json', 'one JSON object on stdout: {"GeneratedFraudsterId", "WatchlistIds"}')
    .action((options: Record<string, unknown>) =>
      withRuntime(options, async (rt) => {
        const files = Array.isArray(options.audio) ? (options.audio as string[]) : [];
        const audio = await Promise.all(files.map((f) => readFile(f)));
        const fraudster = await rt.voiceIdPeople.createFraudster(
          String(options.domain),
          typeof options.watchlist === 'string' ? options.watchlist : undefined,
          audio,
        );
        print(
          options.json === true,
          { GeneratedFraudsterId: fraudster.fraudsterId, WatchlistIds: fraudster.watchlistIds },
          fraudster.fraudsterId,
        );
      }),
    );
}
