import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { KeyService } from '../keys/index.js';
import type { VoiceDataRow } from '../storage/index.js';

/**
 * Envelope encryption of a domain's voice data (enrollment audio, voiceprints): each record gets
 * a fresh 256-bit data key, AES-256-GCM over the bytes with the domain and record ids as
 * authenticated data, and the data key is stored wrapped under the domain's KMS key. Changing a
 * domain's key only re-wraps data keys; the ciphertext never changes.
 */
export class VoiceDataVault {
  readonly #keys: KeyService;

  constructor(keys: KeyService) {
    this.#keys = keys;
  }

  async seal(
    domainId: string,
    keyRef: string,
    ownerId: string,
    kind: 'AUDIO' | 'VOICEPRINT',
    plaintext: Uint8Array,
  ): Promise<VoiceDataRow> {
    const recordId = randomUUID();
    const { plaintext: dataKey, wrapped } = await this.#keys.generateDataKey(
      keyRef,
      keyContext(domainId, recordId),
    );
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(dataContext(domainId, recordId, kind)));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    dataKey.fill(0);
    return {
      record_id: recordId,
      domain_id: domainId,
      owner_id: ownerId,
      kind,
      key_ref: keyRef,
      wrapped_key: wrapped,
      ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      created_at: Date.now(),
    };
  }

  async open(row: VoiceDataRow): Promise<Buffer> {
    const dataKey = await this.#keys.unwrapDataKey(
      row.key_ref,
      row.wrapped_key,
      keyContext(row.domain_id, row.record_id),
    );
    const bytes = Buffer.from(row.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', dataKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(dataContext(row.domain_id, row.record_id, row.kind)));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    dataKey.fill(0);
    return plain;
  }

  /** The record's data key wrapped under `toKeyRef` instead (unwrapped with its current key). */
  async rewrap(row: VoiceDataRow, toKeyRef: string): Promise<string> {
    const context = keyContext(row.domain_id, row.record_id);
    const dataKey = await this.#keys.unwrapDataKey(row.key_ref, row.wrapped_key, context);
    const wrapped = await this.#keys.wrapDataKey(toKeyRef, dataKey, context);
    dataKey.fill(0);
    return wrapped;
  }
}

const keyContext = (domainId: string, recordId: string): string =>
  `voiceid:${domainId}:${recordId}`;
const dataContext = (domainId: string, recordId: string, kind: string): string =>
  `voiceid:${domainId}:${recordId}:${kind}`;
