#!/usr/bin/env node
/**
 * `voxgate`: the server and its operator tools, one executable.
 *
 * Only the command that is run is loaded: `voxgate admin credentials` does not pay for the
 * server, the engines or the trainers (start-up is most of an admin command's time). The other
 * commands are registered by name and summary only, so `voxgate --help` still lists them all.
 */
import { Command, CommanderError } from 'commander';
import { isVoxgateError } from '../errors/index.js';

type Registrar = (program: Command) => void;

interface TopCommand {
  readonly name: string;
  readonly summary: string;
  /** The registrars that add this command, with its options and subcommands, to the program. */
  readonly load: () => Promise<readonly Registrar[]>;
}

const speakerCommands = async (): Promise<Registrar> =>
  (await import('./speaker-commands.js')).registerSpeakerCommands;
const spoofingCommands = async (): Promise<Registrar> =>
  (await import('./spoofing-commands.js')).registerSpoofingCommands;

const COMMANDS: readonly TopCommand[] = [
  {
    name: 'serve',
    summary: 'run the server with embedded defaults (SQLite in the data directory)',
    load: async () => [(await import('./serve-command.js')).registerServe],
  },
  {
    name: 'eval',
    summary: 'measure the speech and speaker engines on a Kaldi-style corpus',
    load: async () => [
      (await import('./eval-command.js')).registerEval,
      await speakerCommands(),
      await spoofingCommands(),
    ],
  },
  {
    name: 'train',
    summary: 'train the models that ship in models/',
    load: async () => [await speakerCommands(), await spoofingCommands()],
  },
  {
    name: 'audio',
    summary: 'audio tools',
    load: async () => [(await import('./audio-inspect-command.js')).registerAudioInspect],
  },
  {
    name: 'admin',
    summary: 'operator commands on a data directory (work while the server runs)',
    load: async () => [(await import('./admin-commands.js')).registerAdmin],
  },
];

const program = new Command('voxgate')
  .description('Voxgate: self-hosted Identity Store, Voice ID and speech assessment APIs')
  .showHelpAfterError()
  .exitOverride();

// The command named first on the command line (options before it take no values here).
const invoked = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const top = COMMANDS.find((c) => c.name === invoked);
if (top) for (const register of await top.load()) register(program);
for (const c of COMMANDS)
  if (!program.commands.some((existing) => existing.name() === c.name))
    program.command(c.name).description(c.summary);

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
