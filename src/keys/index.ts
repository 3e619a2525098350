/**
 * The local key service (KMS-shaped keys for encryption at rest).
 *
 * ### Examples
 * ```ts
 * const keys = new KeyService(new KmsKeyRepository(dialect), box, 'us-east-1', '000000000000');
 * await keys.create({ alias: 'alias/voiceid' });
 * ```
 */
export {
  KeyService,
  KeyAliasTaken,
  KeyNotFound,
  KeyDisabled,
  type KmsKey,
  type KeyState,
} from './key-service.js';
