/**
 * Async scoring jobs through a real server: speech clients and tokens made with the admin CLI,
 * multipart submissions of the corpus fixtures, and polling a job until it ends.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ElsaScriptedJob } from '../../../src/protocols/speech/elsa-scripted.js';
import type { SpeechClient } from '../../../src/speech/accounts/index.js';
import { repoRoot } from '../../support/shared-dir.js';
import type { TestServer } from '../../support/server-process.js';

const CORPUS = path.join(repoRoot, 'test', 'fixtures', 'corpus');

/** The three fixture utterances and the sentences read in them. */
export const UTTERANCES: readonly { readonly id: string; readonly sentence: string }[] =
  readFileSync(path.join(CORPUS, 'text'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [id, sentence] = line.split('\t') as [string, string];
      return { id, sentence };
    });

export function fixtureAudio(id: string): Uint8Array {
  return readFileSync(path.join(CORPUS, 'audio', `${id}.flac`));
}

export type JobAnswer = ElsaScriptedJob & { readonly result_link: string };

/** The operator's side, through the admin API (fast: no CLI process per call). */
export class Operator {
  readonly #server: TestServer;
  readonly #adminToken: string;

  private constructor(server: TestServer, adminToken: string) {
    this.#server = server;
    this.#adminToken = adminToken;
  }

  static async of(server: TestServer): Promise<Operator> {
    return new Operator(server, (await server.credentials()).adminToken);
  }

  async #call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.#server.url}/admin/v1/speech${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#adminToken}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as T;
    assert.ok(res.ok, `${method} ${route}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /** A client with `minutes` of the scripted API, its end users, and a session token for it. */
  async client(
    minutes: number,
    endUsers: readonly string[] = [],
  ): Promise<{ clientId: string; token: string }> {
    const client = await this.#call<SpeechClient>('POST', '/clients', {
      name: `jobs-${minutes}`,
      minutes,
      apis: ['scripted'],
    });
    for (const endUser of endUsers)
      await this.#call('PUT', `/clients/${client.clientId}/end-users/${endUser}`);
    return { clientId: client.clientId, token: await this.token(client.clientId) };
  }

  /** A session token of the client, bound to `endUserId` if given. */
  async token(clientId: string, endUserId?: string): Promise<string> {
    const created = await this.#call<{ token: string }>(
      'POST',
      `/clients/${clientId}/tokens`,
      endUserId === undefined ? {} : { endUserId },
    );
    return created.token;
  }

  async balance(clientId: string): Promise<SpeechClient> {
    return this.#call<SpeechClient>('GET', `/clients/${clientId}`);
  }
}

/** POST /api/v2/score_audio with mode=async (and any other fields). */
export async function submit(
  server: TestServer,
  token: string,
  utterance: { readonly id: string; readonly sentence: string },
  fields: Readonly<Record<string, string>> = {},
): Promise<{ status: number; location: string | null; body: Record<string, unknown> }> {
  const form = new FormData();
  form.set('mode', 'async');
  form.set('sentence', utterance.sentence);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('audio_file', new Blob([fixtureAudio(utterance.id)]), `${utterance.id}.flac`);
  const res = await fetch(`${server.url}/api/v2/score_audio`, {
    method: 'POST',
    headers: { authorization: `ELSA ${token}` },
    body: form,
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** Submits and asserts the 202. */
export async function submitted(
  server: TestServer,
  token: string,
  utterance: { readonly id: string; readonly sentence: string },
  fields: Readonly<Record<string, string>> = {},
): Promise<JobAnswer> {
  const answer = await submit(server, token, utterance, fields);
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer.body as unknown as JobAnswer;
}

export async function getJob(
  server: TestServer,
  token: string,
  jobId: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/v2/score_audio/jobs/${encodeURIComponent(jobId)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls the job until it has ended (succeeded or failed). */
export async function ended(
  server: TestServer,
  token: string,
  jobId: string,
  timeoutMs = 20_000,
): Promise<JobAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getJob(server, token, jobId);
    assert.equal(status, 200, JSON.stringify(body));
    const job = body as unknown as JobAnswer;
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    assert.ok(Date.now() < deadline, `job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
