/**
 * Sealing of stored secrets under the master key.
 *
 * ### Examples
 * ```ts
 * const box = new SecretBox(loadMasterKey(config.dataDir, config.masterKey));
 * ```
 */
export { SecretBox, loadMasterKey, deriveKey } from './secret-box.js';
