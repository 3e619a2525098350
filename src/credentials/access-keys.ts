import { randomBytes } from 'node:crypto';
import { catalog, voxError } from '../errors/index.js';
import type { SecretBox } from '../secrets/index.js';
import { plainTextProblem } from '../text/plain-text.js';
import type { CredentialStore } from '../storage/index.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** How long a resolved secret is trusted before the store is asked again (bounds revocation lag across processes). */
export const DEFAULT_SECRET_CACHE_MS = 5_000;

export interface AccessKey {
  readonly accessKeyId: string;
  readonly description: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface AccessKeyWithSecret extends AccessKey {
  readonly secretAccessKey: string;
}

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // Both alphabets have a power-of-two size, so masking keeps the choice uniform.
  for (const b of bytes) out += alphabet[b & (alphabet.length - 1)];
  return out;
}

const purpose = (accessKeyId: string): string => `access-key:${accessKeyId}`;

/**
 * AWS-style access key pairs: ids `AKIA` + 16 base32 characters, 40-character secrets, stored
 * sealed. `resolveSecret` answers SigV4 checks from a short-lived cache so a hot key costs no
 * query, while a key created or revoked by another process (the admin CLI) takes effect within
 * `DEFAULT_SECRET_CACHE_MS`; revocations in this process take effect at once.
 */
export class AccessKeys {
  readonly #store: CredentialStore;
  readonly #box: SecretBox;
  readonly #cacheMs: number;
  readonly #cache = new Map<string, { secret: string | undefined; until: number }>();

  constructor(store: CredentialStore, box: SecretBox, cacheMs = DEFAULT_SECRET_CACHE_MS) {
    this.#store = store;
    this.#box = box;
    this.#cacheMs = cacheMs;
  }

  /** `AdminBadRequest` when the description is not plain text (a NUL, say). */
  async create(description: string | null = null): Promise<AccessKeyWithSecret> {
    const problem =
      description === null ? undefined : plainTextProblem(description, { multiline: true });
    if (problem !== undefined)
      throw voxError(catalog.AdminBadRequest, { detail: `description: ${problem}` });
    const accessKeyId = `AKIA${randomFrom(BASE32, 16)}`;
    const secretAccessKey = randomFrom(SECRET_ALPHABET, 40);
    const createdAt = new Date();
    await this.#store.insertAccessKey({
      accessKeyId,
      secretSealed: this.#box.seal(secretAccessKey, purpose(accessKeyId)),
      description,
      createdAt,
    });
    return { accessKeyId, secretAccessKey, description, createdAt, revokedAt: null };
  }

  async list(): Promise<AccessKey[]> {
    return (await this.#store.listAccessKeys()).map(({ secretSealed: _s, ...key }) => key);
  }

  /** Every key with its secret (for `voxgate admin credentials`, which runs on the operator's machine). */
  async listWithSecrets(): Promise<AccessKeyWithSecret[]> {
    return (await this.#store.listAccessKeys()).map(({ secretSealed, ...key }) => ({
      ...key,
      secretAccessKey: this.#box.open(secretSealed, purpose(key.accessKeyId)),
    }));
  }

  async revoke(accessKeyId: string): Promise<boolean> {
    this.#cache.delete(accessKeyId);
    return this.#store.revokeAccessKey(accessKeyId, new Date());
  }

  /** The secret of an active key, or undefined for an unknown or revoked one. */
  async resolveSecret(accessKeyId: string): Promise<string | undefined> {
    const now = Date.now();
    const hit = this.#cache.get(accessKeyId);
    if (hit && hit.until > now) return hit.secret;
    const row = await this.#store.findActiveAccessKey(accessKeyId);
    const secret = row && this.#box.open(row.secretSealed, purpose(accessKeyId));
    // Unknown ids are not cached: an attacker could otherwise fill memory with them.
    if (secret !== undefined) {
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(accessKeyId, { secret, until: now + this.#cacheMs });
    } else {
      this.#cache.delete(accessKeyId);
    }
    return secret;
  }
}
