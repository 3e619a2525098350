/**
 * `voxgate eval speaker|speaker-lists` and `voxgate train speaker` without the rest of the CLI:
 * the commands exactly as `src/cli/main.ts` registers them, run through tsx so the tests need
 * no build.
 */
import { Command, CommanderError } from 'commander';
import { registerSpeakerCommands } from '../../src/cli/speaker-commands.js';
import { isVoxgateError } from '../../src/errors/index.js';

const program = new Command('voxgate').exitOverride();
registerSpeakerCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (isVoxgateError(e)) {
    process.stderr.write(`voxgate: ${e.definition.name}: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`voxgate: ${(e as Error).message}\n`);
  process.exit(1);
}
