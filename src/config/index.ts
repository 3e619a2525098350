/**
 * Typed configuration, parsed once at start-up.
 *
 * ### Examples
 * ```ts
 * const config = loadConfig({ flags: { port: 0, dataDir: '/tmp/vx' }, env: process.env });
 * ```
 */
export {
  CONFIG_OPTIONS,
  LOG_LEVELS,
  defaultDataDir,
  type Config,
  type ConfigKey,
} from './config-schema.js';
export { loadConfig, type ConfigSources } from './load-config.js';
export { renderConfigDocs } from './render-config-docs.js';
