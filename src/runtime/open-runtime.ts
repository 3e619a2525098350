import { mkdirSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { AccessKeys, AdminToken } from '../credentials/index.js';
import { catalog, voxError } from '../errors/index.js';
import { SecretBox, loadMasterKey } from '../secrets/index.js';
import {
  CredentialStore,
  UnsupportedDatabaseUrl,
  openStorage,
  type MigrationReport,
  type StorageDialect,
} from '../storage/index.js';

/** The services shared by `voxgate serve` and the admin commands, opened from one Config. */
export interface Runtime {
  readonly config: Config;
  readonly storage: StorageDialect;
  readonly migrations: MigrationReport;
  readonly credentialStore: CredentialStore;
  readonly accessKeys: AccessKeys;
  readonly adminToken: AdminToken;
  close(): Promise<void>;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let box: SecretBox;
  try {
    box = new SecretBox(loadMasterKey(config.dataDir, config.masterKey));
  } catch (e) {
    throw voxError(catalog.InvalidConfiguration, {
      key: 'masterKey',
      origin: config.masterKey ? 'configuration' : config.dataDir,
      detail: (e as Error).message,
    });
  }
  let opened: Awaited<ReturnType<typeof openStorage>>;
  try {
    opened = await openStorage(config.databaseUrl);
  } catch (e) {
    if (e instanceof UnsupportedDatabaseUrl) {
      throw voxError(catalog.InvalidConfiguration, {
        key: 'databaseUrl',
        origin: 'configuration',
        detail: e.message,
      });
    }
    throw e;
  }
  const credentialStore = new CredentialStore(opened.dialect);
  return {
    config,
    storage: opened.dialect,
    migrations: opened.migrations,
    credentialStore,
    accessKeys: new AccessKeys(credentialStore, box),
    adminToken: new AdminToken(credentialStore, box),
    close: () => opened.dialect.db.destroy(),
  };
}
