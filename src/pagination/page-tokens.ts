import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 16;

/**
 * Opaque, tamper-proof NextTokens: the position (last id returned) and the request it belongs
 * to (operation, store, filter), HMAC-signed with a server key. Only characters of the model's
 * NextToken pattern (`^[-a-zA-Z0-9+=/:_]*$`) are used.
 *
 * ### Examples
 * ```ts
 * const token = tokens.issue('ListUsers|d-1234567890|', lastUserId);
 * tokens.open(token, 'ListUsers|d-1234567890|'); // lastUserId, or undefined if forged/foreign
 * ```
 */
export class PageTokens {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  issue(scope: string, after: string): string {
    const body = Buffer.from(after, 'utf8').toString('base64url');
    return `${body}:${this.#mac(scope, body).toString('base64url')}`;
  }

  /** The position, or undefined when the token was not issued by this server for this scope. */
  open(token: string, scope: string): string | undefined {
    const [body, mac, extra] = token.split(':');
    if (body === undefined || mac === undefined || extra !== undefined) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(scope, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Buffer.from(body, 'base64url').toString('utf8');
  }

  #mac(scope: string, body: string): Buffer {
    return createHmac('sha256', this.#key)
      .update(scope)
      .update('\n')
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
