import type { Command } from 'commander';
import { registerAdminBlobs } from './admin-blobs-command.js';
import { registerAdminClients } from './admin-clients-command.js';
import { registerAdminCredentials } from './admin-credentials-command.js';
import { registerAdminFraudsters } from './admin-fraudsters-command.js';
import { registerAdminIdentityStore } from './admin-identitystore-command.js';
import { registerAdminKeys } from './admin-keys-command.js';
import { registerAdminTokens } from './admin-tokens-command.js';

/** `voxgate admin …`: every operator command; each opens the storage only when it runs. */
export function registerAdmin(program: Command): void {
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
}
