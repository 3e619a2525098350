/**
 * `voxgate train spoofing` and `voxgate eval spoofing` without the rest of the CLI: the commands
 * exactly as `src/cli/main.ts` registers them, run through tsx so the tests need no build.
 */
import { Command, CommanderError } from 'commander';
import { registerSpoofingCommands } from '../../src/cli/spoofing-commands.js';

const program = new Command('voxgate').exitOverride();
registerSpoofingCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`voxgate: ${(e as Error).message}\n`);
  process.exit(1);
}
