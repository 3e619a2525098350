import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 22 random alphanumerics, the model's `^[a-zA-Z0-9]{22}$` (domain, watchlist, job ids). */
export function newUniqueId(): string {
  let out = '';
  while (out.length < 22) {
    for (const b of randomBytes(32)) {
      // 248 = 4 × 62: rejecting larger bytes keeps the choice uniform.
      if (b < 248 && out.length < 22) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}

/** `id#` + 22 alphanumerics (generated speaker and fraudster ids, session ids). */
export const newGeneratedId = (): string => `id#${newUniqueId()}`;
