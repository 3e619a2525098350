import { CONFIG_OPTIONS } from './config-schema.js';

/** docs/configuration.md, generated from the option table. */
export function renderConfigDocs(): string {
  const rows = Object.entries(CONFIG_OPTIONS).map(
    ([key, o]) =>
      `| \`${key}\` | \`${o.flag}\` | \`${o.env}\` | ${o.defaultText} | ${o.description.replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- GENERATED from src/config/config-schema.ts by `npm run generate`; do not edit. -->',
    '',
    'Every option can be set, from lowest to highest precedence, by its default, a JSON config file',
    '(`--config <file>`, else `$VOXGATE_CONFIG`, else `<data-dir>/voxgate.json` when it exists; keys are',
    'the option names below), an environment variable, or a flag of `voxgate serve` (the admin commands',
    'take `--data-dir`, `--database-url` and `--master-key` too). A bad value stops the server before it',
    'listens with `InvalidConfiguration`, naming the option and where the value came from.',
    '',
    '| option | flag | environment | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
