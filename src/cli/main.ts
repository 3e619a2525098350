#!/usr/bin/env node
/**
 * `voxgate`: the server and its operator tools, one executable.
 */
import { Command, CommanderError } from 'commander';
import { isVoxgateError } from '../errors/index.js';
import { registerAdminClients } from './admin-clients-command.js';
import { registerAdminCredentials } from './admin-credentials-command.js';
import { registerAdminIdentityStore } from './admin-identitystore-command.js';
import { registerAdminBlobs } from './admin-blobs-command.js';
import { registerAdminFraudsters } from './admin-fraudsters-command.js';
import { registerAdminKeys } from './admin-keys-command.js';
import { registerAdminTokens } from './admin-tokens-command.js';
import { registerAudioInspect } from './audio-inspect-command.js';
import { registerEval } from './eval-command.js';
import { registerServe } from './serve-command.js';
import { registerSpeakerCommands } from './speaker-commands.js';

const program = new Command('voxgate')
  .description('Voxgate: self-hosted Identity Store, Voice ID and speech assessment APIs')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerEval(program);
registerSpeakerCommands(program);
registerAudioInspect(program);
const admin = program
  .command('admin')
  .description('operator commands on a data directory (work while the server runs)');
registerAdminCredentials(admin);
registerAdminIdentityStore(admin);
registerAdminKeys(admin);
registerAdminFraudsters(admin);
registerAdminBlobs(admin);
registerAdminClients(admin);
registerAdminTokens(admin);

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
