/**
 * Speech API fixtures over a real server: clients and tokens made with the `voxgate admin`
 * CLI, multipart requests with fetch, and the corpus recordings committed under
 * test/fixtures/corpus (with the sentences their speakers read).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server-process.js';
import { TestApp } from './test-app.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Three speechocean762 recordings and what was read in each. */
export const RECORDINGS = {
  bear: { file: 'corpus/audio/000010011.flac', sentence: 'We call it bear.' },
  race: { file: 'corpus/audio/021290009.flac', sentence: 'The race is too close to call.' },
  name: { file: 'corpus/audio/030020152.flac', sentence: 'I know the name too.' },
} as const;

export function fixtureBytes(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixtures, relative)));
}

export interface SpeechClientFixture {
  readonly clientId: string;
  readonly token: string;
}

export async function createSpeechClient(
  server: TestServer,
  options: { minutes?: number; apis?: string; name?: string } = {},
): Promise<SpeechClientFixture> {
  const created =
    server instanceof TestApp
      ? await server.admin.speech.createClient({
          name: options.name ?? 'test client',
          minutes: options.minutes ?? 10,
          apis: (options.apis ?? 'scripted').split(','),
        })
      : (JSON.parse(
          await server.cli(
            'admin',
            'clients',
            'create',
            '--name',
            options.name ?? 'test client',
            '--minutes',
            String(options.minutes ?? 10),
            '--apis',
            options.apis ?? 'scripted',
            '--json',
          ),
        ) as { clientId: string });
  const token = await createToken(server, created.clientId);
  return { clientId: created.clientId, token };
}

export async function createToken(
  server: TestServer,
  clientId: string,
  ...more: string[]
): Promise<string> {
  if (server instanceof TestApp && more.length === 0)
    return (await server.admin.speech.createToken(clientId)).token;
  const t = JSON.parse(
    await server.cli('admin', 'tokens', 'create', '--client', clientId, ...more, '--json'),
  ) as { token: string };
  return t.token;
}

export interface ClientBalance {
  readonly balanceMs: number;
  readonly reservedMs: number;
  readonly usedMs: number;
  readonly active: boolean;
}

export async function clientBalance(server: TestServer, clientId: string): Promise<ClientBalance> {
  if (server instanceof TestApp) return server.admin.speech.getClient(clientId);
  return JSON.parse(
    await server.cli('admin', 'clients', 'show', clientId, '--json'),
  ) as ClientBalance;
}

export interface ScoreRequest {
  readonly authorization?: string;
  readonly audio?: { readonly bytes: Uint8Array; readonly filename: string };
  readonly fields?: Readonly<Record<string, string>>;
}

export interface SpeechAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function postScore(server: TestServer, request: ScoreRequest): Promise<SpeechAnswer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(request.fields ?? {})) form.append(k, v);
  if (request.audio)
    form.append('audio_file', new Blob([request.audio.bytes]), request.audio.filename);
  const res = await fetch(`${server.url}/api/v2/score_audio`, {
    method: 'POST',
    headers: request.authorization === undefined ? {} : { authorization: request.authorization },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Asserts a catalogued speech error: status, name, the message and the listed parameters. */
export function assertSpeechError(
  answer: SpeechAnswer,
  status: number,
  name: string,
  params: Readonly<Record<string, unknown>> = {},
): void {
  assert.equal(answer.body.error, name, JSON.stringify(answer.body));
  assert.equal(answer.status, status);
  assert.equal(answer.body.status, 'error');
  assert.equal(typeof answer.body.message, 'string');
  assert.equal(typeof answer.body.request_id, 'string');
  for (const [k, v] of Object.entries(params)) assert.deepEqual(answer.body[k], v, k);
}

export function recording(name: keyof typeof RECORDINGS): {
  bytes: Uint8Array;
  filename: string;
} {
  return {
    bytes: fixtureBytes(RECORDINGS[name].file),
    filename: path.basename(RECORDINGS[name].file),
  };
}
