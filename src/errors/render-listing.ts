/**
 * Renders the catalog as `docs/errors.md`, in the style of the seed's listing: grouped by front
 * door (and request type) and category, each error with its name, message, parameters and
 * description, plus what Voxgate adds: HTTP status and extra response fields.
 */
import type { ApiId, ErrorDefinition, FieldSpec } from './error-definition.js';

interface ApiSection {
  readonly api: ApiId;
  readonly title: string;
  readonly intro: string;
}

const SECTIONS: readonly ApiSection[] = [
  {
    api: 'aws-json',
    title: 'AWS JSON front door (Identity Store and Voice ID)',
    intro:
      'Raised before an operation runs: SigV4 authentication, framing and dispatch. Rendered like the service errors below, in the content type of the service the X-Amz-Target names (JSON 1.1 for Identity Store, 1.0 for Voice ID; 1.1 when the target is unknown).',
  },
  {
    api: 'identitystore',
    title: 'Identity Store API (`AWSIdentityStore.*`, AWS JSON 1.1)',
    intro:
      'Wire: status from the model, headers `x-amzn-ErrorType: <name>` and `x-amzn-RequestId`, body `{"__type": <name>, "Message": ..., "message": ..., <extra fields>}`. Timestamps are epoch seconds.',
  },
  {
    api: 'voiceid',
    title: 'Voice ID API (`VoiceID.*`, AWS JSON 1.0)',
    intro:
      'Wire: as for Identity Store; Voice ID errors carry no RequestId member (the header still has it).',
  },
  {
    api: 'speech-unscripted',
    title: 'Speech API: Unscripted Requests',
    intro:
      'Unscripted requests involve real-time or asynchronous operations where the API processes input dynamically without relying on predefined scripts or workflows.',
  },
  {
    api: 'speech-scripted',
    title: 'Speech API: Scripted Requests',
    intro:
      'Scripted requests involve predefined workflows or operations that follow a specific sequence or script, such as processing audio based on a predetermined script.',
  },
  {
    api: 'admin',
    title: 'Admin API (`/admin/v1`)',
    intro:
      'Wire: body `{"error": <name>, "message": ..., "requestId": ...}` with the status below.',
  },
  {
    api: 'server',
    title: 'Server, operational routes and start-up',
    intro:
      'Wire: as for the admin API. `InvalidConfiguration` is printed on stderr and stops the server before it listens.',
  },
];

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function paramsCell(def: ErrorDefinition): string {
  const entries = Object.entries(def.params);
  if (entries.length === 0) return 'None';
  return entries.map(([name, p]) => `${name} (${p.type}): ${p.description}`).join('<br>');
}

function fieldValue(field: FieldSpec): string {
  const s = field.source;
  if ('const' in s) return s.const;
  if ('param' in s) return `{${s.param}}`;
  return 'the request id';
}

function fieldsCell(def: ErrorDefinition): string {
  const entries = Object.entries(def.fields);
  if (entries.length === 0) return 'None';
  return entries.map(([name, f]) => `${name} = ${fieldValue(f)}`).join('<br>');
}

function enumLines(defs: readonly ErrorDefinition[]): string[] {
  const seen = new Map<string, readonly string[]>();
  for (const def of defs) {
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.values) seen.set(`${def.name}.${name}`, f.values);
    }
  }
  return [...seen].map(([key, values]) => `- \`${key}\`: ${values.join(', ')}`);
}

/** The whole listing as Markdown. Deterministic: same catalog, same bytes. */
export function renderErrorListing(errors: readonly ErrorDefinition[]): string {
  const out: string[] = [
    '# Voxgate error listing',
    '',
    '<!-- GENERATED from src/errors/ by `npm run generate`; do not edit. A test fails when this file is stale. -->',
    '',
    'Every error Voxgate returns, by front door and category. Each error is listed with:',
    '- Name: the exception name on the wire.',
    '- Message: the message returned; `{name}` slots are filled from the parameters.',
    '- Parameters: the values that fill the message.',
    '- Description: when and why the error occurs.',
    '- HTTP: the status code. Extra fields: members added to the error body.',
    '',
  ];
  for (const section of SECTIONS) {
    const defs = errors.filter((d) => d.apis.some((u) => u.api === section.api));
    const also = errors.filter((d) => d.alsoUsedBy?.includes(section.api));
    if (defs.length === 0) continue;
    out.push(`## ${section.title}`, '', section.intro, '');
    const categories = [
      ...new Set(
        defs.flatMap((d) => d.apis.filter((u) => u.api === section.api).map((u) => u.category)),
      ),
    ];
    for (const category of categories) {
      out.push(
        `### ${category}`,
        '',
        '| Exception | Message | Parameters | Description | HTTP | Extra fields |',
        '| --- | --- | --- | --- | --- | --- |',
      );
      for (const def of defs) {
        if (!def.apis.some((u) => u.api === section.api && u.category === category)) continue;
        out.push(
          `| ${cell(def.name)} | ${cell(def.message)} | ${cell(paramsCell(def))} | ${cell(def.description)} | ${def.status} | ${cell(fieldsCell(def))} |`,
        );
      }
      out.push('');
    }
    if (also.length > 0) {
      out.push(
        `These requests also answer ${also.map((d) => `\`${d.name}\``).join(', ')}, defined above under the same conditions.`,
        '',
      );
    }
    const enums = enumLines(defs);
    if (enums.length > 0)
      out.push('Enumerated extra fields (every value the field can take):', '', ...enums, '');
  }
  return out.join('\n');
}
