import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * Seals small secrets (access key secrets, the admin token) with AES-256-GCM under the master
 * key, so a database dump alone reveals none of them. The row's purpose is bound in as
 * additional data: a sealed value copied into another row does not open.
 *
 * ### Examples
 * ```ts
 * const box = new SecretBox(key);
 * const sealed = box.seal('s3cr3t', 'access-key:AKIA…');
 * box.open(sealed, 'access-key:AKIA…'); // 's3cr3t'
 * ```
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`the master key must be ${KEY_BYTES} bytes`);
    this.#key = key;
  }

  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, purpose: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('sealed value has an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/**
 * The master key: from configuration (base64) when given, else `<dataDir>/master.key`, created
 * with mode 0600 on first use.
 */
export function loadMasterKey(dataDir: string, configured: string | undefined): Buffer {
  if (configured !== undefined) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== KEY_BYTES)
      throw new RangeError(`the configured master key must be base64 of ${KEY_BYTES} bytes`);
    return key;
  }
  const file = path.join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (e) {
      // Another process (server and admin CLI starting together) created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    chmodSync(file, 0o600);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new RangeError(`${file} does not hold base64 of ${KEY_BYTES} bytes`);
  return key;
}

/**
 * A key for one purpose derived from the master key (HKDF-SHA256), so purposes never share
 * key material: e.g. `deriveKey(master, 'voxgate/page-tokens/v1')`.
 */
export function deriveKey(masterKey: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), label, 32));
}
