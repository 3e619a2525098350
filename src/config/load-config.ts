import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalog, voxError } from '../errors/index.js';
import {
  CONFIG_OPTIONS,
  LOG_LEVELS,
  type Config,
  type ConfigKey,
  type OptionSpec,
} from './config-schema.js';

export interface ConfigSources {
  /** Values from command-line flags, by option key (commander's camelCase names). */
  readonly flags: Readonly<Partial<Record<ConfigKey, string | number>>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--config <file>`; otherwise `$VOXGATE_CONFIG`, otherwise `<data-dir>/voxgate.json` if it exists. */
  readonly configFile?: string | undefined;
}

function parseValue(
  key: ConfigKey,
  spec: OptionSpec,
  raw: unknown,
  origin: string,
): string | number | boolean {
  const fail = (detail: string): never => {
    throw voxError(catalog.InvalidConfiguration, { key, origin, detail });
  };
  switch (spec.type) {
    case 'int': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : NaN;
      if (!Number.isSafeInteger(n)) return fail(`expected an integer, got ${JSON.stringify(raw)}`);
      if (spec.min !== undefined && n < spec.min) return fail(`must be >= ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) return fail(`must be <= ${spec.max}`);
      return n;
    }
    case 'string':
      if (typeof raw !== 'string') return fail('expected a string');
      if (raw.length === 0 && spec.allowEmpty !== true) return fail('expected a non-empty string');
      return raw;
    case 'bool':
      if (raw === true || raw === 'true' || raw === '1') return true;
      if (raw === false || raw === 'false' || raw === '0') return false;
      return fail(`expected true or false, got ${JSON.stringify(raw)}`);
    case 'log-level':
      if (typeof raw !== 'string' || !(LOG_LEVELS as readonly string[]).includes(raw)) {
        return fail(`expected one of ${LOG_LEVELS.join(', ')}`);
      }
      return raw;
    default: {
      const never: never = spec.type;
      return never;
    }
  }
}

function readConfigFile(file: string, required: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw voxError(catalog.InvalidConfiguration, {
      key: 'config',
      origin: `config file ${file}`,
      detail: `cannot read the file: ${(e as Error).message}`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw voxError(catalog.InvalidConfiguration, {
      key: 'config',
      origin: `config file ${file}`,
      detail: `not valid JSON: ${(e as Error).message}`,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw voxError(catalog.InvalidConfiguration, {
      key: 'config',
      origin: `config file ${file}`,
      detail: 'expected a JSON object of option names to values',
    });
  }
  for (const key of Object.keys(parsed)) {
    if (!(key in CONFIG_OPTIONS)) {
      throw voxError(catalog.InvalidConfiguration, {
        key,
        origin: `config file ${file}`,
        detail: `unknown option; known: ${Object.keys(CONFIG_OPTIONS).join(', ')}`,
      });
    }
  }
  return parsed as Record<string, unknown>;
}

/**
 * Resolves the configuration: defaults < config file < environment < flags. Throws the
 * catalogued `InvalidConfiguration` naming the option and where the bad value came from.
 *
 * ### Examples
 * ```ts
 * const config = loadConfig({ flags: { port: 0 }, env: process.env });
 * ```
 */
export function loadConfig(sources: ConfigSources): Config {
  const keys = Object.keys(CONFIG_OPTIONS) as ConfigKey[];
  const pick = (key: ConfigKey): { raw: unknown; origin: string } | undefined => {
    const spec = CONFIG_OPTIONS[key];
    const flag = sources.flags[key];
    if (flag !== undefined) return { raw: flag, origin: `flag ${spec.flag.split(' ')[0]}` };
    const env = sources.env[spec.env];
    if (env !== undefined && env !== '')
      return { raw: env, origin: `environment variable ${spec.env}` };
    return undefined;
  };
  // The data directory is needed first: it is where the default config file lives.
  const early = pick('dataDir');
  const values: Record<string, unknown> = {};
  const dataDirFromFlagsOrEnv = early
    ? parseValue('dataDir', CONFIG_OPTIONS.dataDir, early.raw, early.origin)
    : undefined;
  const explicitFile = sources.configFile ?? sources.env.VOXGATE_CONFIG;
  const fileDataDir = dataDirFromFlagsOrEnv ?? (CONFIG_OPTIONS.dataDir.default as () => string)();
  const file = explicitFile ?? path.join(String(fileDataDir), 'voxgate.json');
  const fromFile = readConfigFile(file, explicitFile !== undefined);

  for (const key of keys) {
    const spec: OptionSpec = CONFIG_OPTIONS[key];
    const chosen =
      pick(key) ??
      (key in fromFile ? { raw: fromFile[key], origin: `config file ${file}` } : undefined);
    if (chosen) {
      values[key] = parseValue(key, spec, chosen.raw, chosen.origin);
    } else {
      const d = typeof spec.default === 'function' ? spec.default(values) : spec.default;
      values[key] = d === undefined ? undefined : parseValue(key, spec, d, 'default');
    }
  }
  values.dataDir = path.resolve(String(values.dataDir));
  if (!pick('blobDir') && !('blobDir' in fromFile))
    values.blobDir = path.join(String(values.dataDir), 'blobs');
  if (!pick('databaseUrl') && !('databaseUrl' in fromFile)) {
    values.databaseUrl = `sqlite:${path.join(String(values.dataDir), 'voxgate.db')}`;
  }
  return Object.freeze(values) as unknown as Config;
}
