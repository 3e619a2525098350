import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `../shared` (seeds, models, corpus) when present. Users' clones do not have it; tests that
 * need it skip, CI always has it.
 */
export const sharedDir: string | undefined = (() => {
  const dir = process.env.VOXGATE_SHARED_DIR ?? path.join(repoRoot, '..', 'shared');
  return existsSync(path.join(dir, 'seeds')) ? dir : undefined;
})();
