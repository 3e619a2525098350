import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { KeyService } from '../keys/index.js';
import type { VoiceDataKind, VoiceDataRecord } from '../storage/index.js';

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
    kind: VoiceDataKind,
    plaintext: Uint8Array,
  ): Promise<VoiceDataRecord> {
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
      recordId,
      domainId,
      ownerId,
      kind,
      keyRef,
      wrappedKey: wrapped,
      ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      createdAt: Date.now(),
    };
  }

  async open(record: VoiceDataRecord): Promise<Buffer> {
    const dataKey = await this.#keys.unwrapDataKey(
      record.keyRef,
      record.wrappedKey,
      keyContext(record.domainId, record.recordId),
    );
    const bytes = Buffer.from(record.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', dataKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(dataContext(record.domainId, record.recordId, record.kind)));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    dataKey.fill(0);
    return plain;
  }

  /** The record's data key wrapped under `toKeyRef` instead (unwrapped with its current key). */
  async rewrap(record: VoiceDataRecord, toKeyRef: string): Promise<string> {
    const context = keyContext(record.domainId, record.recordId);
    const dataKey = await this.#keys.unwrapDataKey(record.keyRef, record.wrappedKey, context);
    const wrapped = await this.#keys.wrapDataKey(toKeyRef, dataKey, context);
    dataKey.fill(0);
    return wrapped;
  }
}

const keyContext = (domainId: string, recordId: string): string =>
  `voiceid:${domainId}:${recordId}`;
const dataContext = (domainId: string, recordId: string, kind: string): string =>
  `voiceid:${domainId}:${recordId}:${kind}`;
