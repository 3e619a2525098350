import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { SecretBox } from '../secrets/index.js';
import { AliasTaken, type KmsKeyRow, type KmsKeysStore } from '../storage/index.js';

export type KeyState = 'Enabled' | 'Disabled';

export interface KmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly alias: string | null;
  readonly description: string | null;
  readonly state: KeyState;
  readonly createdAt: Date;
}

export class KeyAliasTaken extends Error {}
export class KeyNotFound extends Error {}
export class KeyDisabled extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):key\/([0-9a-f-]{36})$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(alias\/.+)$/;

const purpose = (keyId: string): string => `kms-key:${keyId}`;

/**
 * The local key service behind `ServerSideEncryptionConfiguration.KmsKeyId`: symmetric keys with
 * the ids, ARNs and aliases KMS uses, whose 256-bit material is sealed by the master key. Data
 * keys (envelope encryption) are wrapped with AES-256-GCM under a key, bound to a context.
 *
 * ### Examples
 * ```ts
 * const key = await keys.create({ alias: 'alias/voice' });
 * const { plaintext, wrapped } = await keys.generateDataKey(key.keyId, 'domain:abc');
 * ```
 */
export class KeyService {
  readonly #repo: KmsKeysStore;
  readonly #box: SecretBox;
  readonly #arnPrefix: string;

  constructor(repo: KmsKeysStore, box: SecretBox, region: string, accountId: string) {
    this.#repo = repo;
    this.#box = box;
    this.#arnPrefix = `arn:aws:kms:${region}:${accountId}`;
  }

  async create(options: {
    alias?: string | undefined;
    description?: string | undefined;
  }): Promise<KmsKey> {
    if (options.alias !== undefined && !ALIAS.test(options.alias)) {
      throw new RangeError(
        `invalid alias '${options.alias}': expected alias/<name> (letters, digits, /, _ and -)`,
      );
    }
    const keyId = randomUUID();
    const row: KmsKeyRow = {
      keyId,
      alias: options.alias ?? null,
      description: options.description ?? null,
      state: 'Enabled',
      materialSealed: this.#box.seal(randomBytes(32).toString('base64'), purpose(keyId)),
      createdAt: Date.now(),
    };
    try {
      await this.#repo.insert(row);
    } catch (e) {
      if (e instanceof AliasTaken)
        throw new KeyAliasTaken(`alias ${options.alias} is already used by another key`);
      throw e;
    }
    return this.view(row);
  }

  async list(): Promise<KmsKey[]> {
    return (await this.#repo.list()).map((r) => this.view(r));
  }

  async setEnabled(keyId: string, enabled: boolean): Promise<boolean> {
    return this.#repo.setState(keyId, enabled ? 'Enabled' : 'Disabled');
  }

  /**
   * The key a `KmsKeyId` names — key id, key ARN, alias name or alias ARN — or undefined.
   * ARNs must name this deployment's region and account.
   */
  async resolve(kmsKeyId: string): Promise<KmsKey | undefined> {
    const row = await this.findRow(kmsKeyId);
    return row && this.view(row);
  }

  async state(keyId: string): Promise<KeyState | undefined> {
    return (await this.#repo.findById(keyId))?.state;
  }

  /** A fresh 256-bit data key and its wrapped form (to store beside the data). */
  async generateDataKey(
    keyId: string,
    context: string,
  ): Promise<{ plaintext: Buffer; wrapped: string }> {
    const material = await this.material(keyId);
    const plaintext = randomBytes(32);
    return { plaintext, wrapped: wrap(material, plaintext, context) };
  }

  /** Wraps an existing data key under another key (re-encryption after a key change). */
  async wrapDataKey(keyId: string, dataKey: Buffer, context: string): Promise<string> {
    return wrap(await this.material(keyId), dataKey, context);
  }

  /** Unwraps a data key; fails if the key is disabled or the context differs. */
  async unwrapDataKey(keyId: string, wrapped: string, context: string): Promise<Buffer> {
    return unwrap(await this.material(keyId), wrapped, context);
  }

  private async material(keyId: string): Promise<Buffer> {
    const row = await this.#repo.findById(keyId);
    if (!row) throw new KeyNotFound(`key ${keyId} does not exist`);
    if (row.state !== 'Enabled') throw new KeyDisabled(`key ${keyId} is disabled`);
    return Buffer.from(this.#box.open(row.materialSealed, purpose(keyId)), 'base64');
  }

  private async findRow(kmsKeyId: string): Promise<KmsKeyRow | undefined> {
    if (UUID.test(kmsKeyId)) return this.#repo.findById(kmsKeyId);
    if (kmsKeyId.startsWith('alias/')) return this.#repo.findByAlias(kmsKeyId);
    const keyArn = KEY_ARN.exec(kmsKeyId);
    if (keyArn && this.ownsArn(kmsKeyId)) return this.#repo.findById(keyArn[3] ?? '');
    const aliasArn = ALIAS_ARN.exec(kmsKeyId);
    if (aliasArn && this.ownsArn(kmsKeyId)) return this.#repo.findByAlias(aliasArn[3] ?? '');
    return undefined;
  }

  private ownsArn(arn: string): boolean {
    return arn.startsWith(`${this.#arnPrefix}:`);
  }

  private view(row: KmsKeyRow): KmsKey {
    return {
      keyId: row.keyId,
      arn: `${this.#arnPrefix}:key/${row.keyId}`,
      alias: row.alias,
      description: row.description,
      state: row.state,
      createdAt: new Date(row.createdAt),
    };
  }
}

function wrap(kek: Buffer, plaintext: Buffer, context: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(Buffer.from(context));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

function unwrap(kek: Buffer, wrapped: string, context: string): Buffer {
  const bytes = Buffer.from(wrapped, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, bytes.subarray(0, 12));
  d.setAAD(Buffer.from(context));
  d.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([d.update(bytes.subarray(28)), d.final()]);
}
