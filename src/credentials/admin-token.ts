import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../secrets/index.js';
import type { CredentialStore } from '../storage/index.js';

const NAME = 'admin-token';
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * The admin token of this deployment: generated on first start, stored sealed (so the operator
 * can retrieve it with `voxgate admin credentials`) and as a hash (checked in constant time).
 */
export class AdminToken {
  readonly #store: CredentialStore;
  readonly #box: SecretBox;
  #hash: Buffer | undefined;

  constructor(store: CredentialStore, box: SecretBox) {
    this.#store = store;
    this.#box = box;
  }

  /** Creates the token unless it exists; `created` tells whether this call made it. */
  async ensure(): Promise<{ token: string; created: boolean }> {
    const token = `vxa_${randomBytes(32).toString('base64url')}`;
    const created = await this.#store.createServerSecret(
      { name: NAME, valueSealed: this.#box.seal(token, NAME), valueHash: sha256(token) },
      new Date(),
    );
    return { token: created ? token : await this.reveal(), created };
  }

  async reveal(): Promise<string> {
    const row = await this.#store.getServerSecret(NAME);
    if (!row) throw new Error('no admin token: start `voxgate serve` once on this data directory');
    return this.#box.open(row.valueSealed, NAME);
  }

  async verify(candidate: string): Promise<boolean> {
    if (!this.#hash) {
      const row = await this.#store.getServerSecret(NAME);
      if (!row) return false;
      this.#hash = Buffer.from(row.valueHash, 'hex');
    }
    return timingSafeEqual(Buffer.from(sha256(candidate), 'hex'), this.#hash);
  }
}
