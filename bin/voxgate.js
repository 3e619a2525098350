#!/usr/bin/env node
// The compiled CLI lives in dist/ (`npm run build`, which `./setup.sh` runs).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('voxgate: dist/ is missing; run `npm run build` (or ./setup.sh serve) first');
  process.exit(1);
}
await import(main.href);
