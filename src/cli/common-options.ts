import { Option, type Command } from 'commander';
import { CONFIG_OPTIONS, loadConfig, type Config, type ConfigKey } from '../config/index.js';

/** commander's attribute name of each option's flag → the config key it sets. */
const ATTRIBUTE_TO_KEY = new Map<string, ConfigKey>(
  (Object.keys(CONFIG_OPTIONS) as ConfigKey[]).map((key) => [
    new Option(CONFIG_OPTIONS[key].flag).attributeName(),
    key,
  ]),
);

const STORAGE_KEYS: readonly ConfigKey[] = ['dataDir', 'databaseUrl', 'masterKey'];

function addConfigOption(command: Command, key: ConfigKey): void {
  const spec = CONFIG_OPTIONS[key];
  command.addOption(
    new Option(spec.flag, `${spec.description} (env ${spec.env}; default ${spec.defaultText})`),
  );
}

/** Every configuration option as a flag (generated from the option table, so they never drift). */
export function withAllConfigOptions(command: Command): Command {
  for (const key of Object.keys(CONFIG_OPTIONS) as ConfigKey[]) addConfigOption(command, key);
  return command.option('--config <file>', 'JSON config file (env VOXGATE_CONFIG)');
}

/** The storage options every command that opens the data directory takes. */
export function withStorageOptions(command: Command): Command {
  for (const key of STORAGE_KEYS) addConfigOption(command, key);
  return command.option('--config <file>', 'JSON config file (env VOXGATE_CONFIG)');
}

/** Config from commander's parsed options plus the environment. */
export function configFromOptions(
  options: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const flags: Partial<Record<ConfigKey, string | number>> = {};
  for (const [attribute, value] of Object.entries(options)) {
    const key = ATTRIBUTE_TO_KEY.get(attribute);
    if (key && (typeof value === 'string' || typeof value === 'number')) flags[key] = value;
  }
  return loadConfig({
    flags,
    env,
    configFile: typeof options.config === 'string' ? options.config : undefined,
  });
}
