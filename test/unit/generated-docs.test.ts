import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_DOCS } from '../../scripts/generate-docs.js';
import { repoRoot } from '../support/shared-dir.js';

for (const [file, render] of Object.entries(GENERATED_DOCS)) {
  test(`${file} is current (npm run generate)`, () => {
    assert.equal(
      readFileSync(path.join(repoRoot, file), 'utf8'),
      render(),
      `${file} is stale: run \`npm run generate\``,
    );
  });
}
