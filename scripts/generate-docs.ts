/**
 * Writes the generated documentation: docs/errors.md (the error catalog) and
 * docs/configuration.md (the option table). `--check` exits 1 naming stale files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../src/config/index.js';
import { allErrors, renderErrorListing } from '../src/errors/index.js';

export const GENERATED_DOCS: Readonly<Record<string, () => string>> = {
  'docs/errors.md': () => renderErrorListing(allErrors),
  'docs/configuration.md': () => renderConfigDocs(),
};

const root = new URL('../', import.meta.url);

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, render] of Object.entries(GENERATED_DOCS)) {
    const target = fileURLToPath(new URL(file, root));
    const fresh = render();
    if (check) {
      if ((await readFile(target, 'utf8').catch(() => '')) !== fresh) stale.push(file);
    } else {
      await writeFile(target, fresh);
      console.log(`wrote ${file}`);
    }
  }
  if (stale.length > 0) {
    console.error(`stale: ${stale.join(', ')}; run \`npm run generate\``);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
