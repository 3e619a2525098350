import type { AccessKeys, AccessKeyWithSecret } from './access-keys.js';
import type { AdminToken } from './admin-token.js';

export interface FirstStart {
  /** Set only on the start that created the admin token (the first one on this database). */
  readonly created?: { readonly adminToken: string; readonly accessKey: AccessKeyWithSecret };
}

/**
 * On the first start of a database: the admin token and one access key pair. The admin token's
 * primary key decides which process is first, so two starting together make one pair, not two.
 */
export async function ensureFirstStart(
  adminToken: AdminToken,
  accessKeys: AccessKeys,
): Promise<FirstStart> {
  const { token, created } = await adminToken.ensure();
  if (!created) return {};
  const accessKey = await accessKeys.create('created on first start');
  return { created: { adminToken: token, accessKey } };
}
