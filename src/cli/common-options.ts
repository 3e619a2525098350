import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigKey } from '../config/index.js';

/** The storage options every command that opens the data directory takes. */
export function withStorageOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (env VOXGATE_DATA_DIR)')
    .option('--database-url <url>', 'sqlite:<path> or postgres://… (env VOXGATE_DATABASE_URL)')
    .option('--master-key <base64>', 'master key sealing stored secrets (env VOXGATE_MASTER_KEY)')
    .option('--config <file>', 'JSON config file (env VOXGATE_CONFIG)');
}

/** Config from commander's parsed options (camelCase keys) plus the environment. */
export function configFromOptions(options: Readonly<Record<string, unknown>>): Config {
  const flags: Partial<Record<ConfigKey, string | number>> = {};
  for (const [key, value] of Object.entries(options)) {
    if (
      key !== 'config' &&
      key !== 'json' &&
      (typeof value === 'string' || typeof value === 'number')
    ) {
      flags[key as ConfigKey] = value;
    }
  }
  return loadConfig({
    flags,
    env: process.env,
    configFile: typeof options.config === 'string' ? options.config : undefined,
  });
}
