/**
 * Who may call Voxgate: AWS-style access key pairs (SigV4) and the admin token.
 *
 * ### Examples
 * ```ts
 * const keys = new AccessKeys(new CredentialRepository(dialect), box);
 * const { accessKeyId, secretAccessKey } = await keys.create('ci');
 * ```
 */
export {
  AccessKeys,
  DEFAULT_SECRET_CACHE_MS,
  type AccessKey,
  type AccessKeyWithSecret,
} from './access-keys.js';
export { AdminToken } from './admin-token.js';
export { ensureFirstStart, type FirstStart } from './first-start.js';
