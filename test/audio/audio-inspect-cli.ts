/**
 * `voxgate audio inspect …` without the rest of the CLI: the command exactly as
 * `src/cli/main.ts` registers it, run through tsx so the tests need no build.
 */
import { Command, CommanderError } from 'commander';
import { registerAudioInspect } from '../../src/cli/audio-inspect-command.js';

const program = new Command('voxgate').exitOverride();
registerAudioInspect(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`voxgate: ${(e as Error).message}\n`);
  process.exit(1);
}
