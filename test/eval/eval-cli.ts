/**
 * `voxgate eval …` without the rest of the CLI: the command exactly as `src/cli/main.ts`
 * registers it, run through tsx so the tests need no build.
 */
import { Command, CommanderError } from 'commander';
import { registerEval } from '../../src/cli/eval-command.js';

const program = new Command('voxgate').exitOverride();
registerEval(program);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  process.stderr.write(`voxgate: ${(e as Error).message}\n`);
  process.exit(1);
}
