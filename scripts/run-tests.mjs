// Runs every test file (test/**/*.test.ts) with node's built-in runner; TypeScript through tsx.
// `npm test -- test/e2e` runs the files under the given paths only.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function collect(entry) {
  if (statSync(entry).isDirectory())
    return readdirSync(entry)
      .sort()
      .flatMap((name) => collect(path.join(entry, name)));
  return entry.endsWith('.test.ts') ? [entry] : [];
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['test']).flatMap(collect);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
