/**
 * Shared pieces of the Voice ID people and encryption-at-rest suite (fraudsters, speakers, voice
 * data encrypted under the domain's key): a server with an SDK client, keys and fraudsters made
 * with the admin CLI, audio files with a plaintext marker, and a read-only view of the
 * `voiceid_voice_data` table on either backend.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateDomainCommand,
  DescribeDomainCommand,
  type Domain,
  type VoiceIDClient,
} from '@aws-sdk/client-voice-id';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestServer } from './server-process.js';
import type { TestDatabase } from './test-databases.js';
import { TestApp } from './test-app.js';
import { uniqueName } from './voiceid-fixtures.js';

// The server, naming and error helpers are the control-plane suite's.
export {
  createKey,
  setKeyEnabled,
  type TestKey,
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  uniqueName,
  rejection,
  assertValidation,
  assertNotFound,
  assertConflict,
  startVoiceIdServer as startPeopleServer,
  type VoiceIdError,
  type VoiceIdServer as PeopleServer,
  type ResourceType,
  type ConflictType,
} from './voiceid-fixtures.js';

/** GeneratedFraudsterId / GeneratedSpeakerId: `id#` + 22 alphanumerics. */
export const GENERATED_ID_PATTERN = /^id#[a-zA-Z0-9]{22}$/;

export type TestDomain = Domain & { DomainId: string; defaultWatchlistId: string };

export async function createDomain(client: VoiceIDClient, kmsKeyId: string): Promise<TestDomain> {
  const out = await client.send(
    new CreateDomainCommand({
      Name: uniqueName('people'),
      ServerSideEncryptionConfiguration: { KmsKeyId: kmsKeyId },
    }),
  );
  const domain = out.Domain;
  assert.ok(domain?.DomainId, 'CreateDomain returns the domain id');
  const defaultWatchlistId = domain.WatchlistDetails?.DefaultWatchlistId;
  assert.ok(defaultWatchlistId, 'CreateDomain returns the default watchlist id');
  return { ...domain, DomainId: domain.DomainId, defaultWatchlistId };
}

export async function describeDomain(client: VoiceIDClient, domainId: string): Promise<Domain> {
  const out = await client.send(new DescribeDomainCommand({ DomainId: domainId }));
  assert.ok(out.Domain, 'DescribeDomain returns the domain');
  return out.Domain;
}

export interface CreatedFraudster {
  readonly GeneratedFraudsterId: string;
  readonly WatchlistIds: string[];
}

/** `voxgate admin fraudsters create --domain … [--watchlist …] [--audio …] --json`. */
export async function createFraudster(
  server: TestServer,
  domainId: string,
  options: { watchlistId?: string; audio?: readonly string[] } = {},
): Promise<CreatedFraudster> {
  const args = ['admin', 'fraudsters', 'create', '--domain', domainId];
  if (options.watchlistId !== undefined) args.push('--watchlist', options.watchlistId);
  if (options.audio && options.audio.length > 0) args.push('--audio', ...options.audio);
  const out = (
    server instanceof TestApp
      ? await server.admin.createFraudster(
          domainId,
          options.watchlistId,
          (options.audio ?? []).map((f) => readFileSync(f)),
        )
      : JSON.parse(await server.cli(...args, '--json'))
  ) as Partial<CreatedFraudster>;
  assert.ok(out.GeneratedFraudsterId, `fraudsters create --json prints GeneratedFraudsterId`);
  assert.match(out.GeneratedFraudsterId, GENERATED_ID_PATTERN);
  assert.ok(Array.isArray(out.WatchlistIds), 'fraudsters create --json prints WatchlistIds');
  return out as CreatedFraudster;
}

/** `n` fraudsters with `audio` each, at most `parallel` CLI processes at a time. */
export async function createFraudsters(
  server: TestServer,
  domainId: string,
  n: number,
  audio: readonly string[],
  parallel = 4,
): Promise<CreatedFraudster[]> {
  const created: CreatedFraudster[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, () =>
      createFraudster(server, domainId, { audio }),
    );
    created.push(...(await Promise.all(batch)));
  }
  return created;
}

/** A well-formed generated id (fraudster, speaker) that was never issued. */
export const randomGeneratedId = (): string => `id#${randomAlnum(22)}`;
/** A well-formed DomainId / WatchlistId that was never issued. */
export const randomUniqueId = (): string => randomAlnum(22);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlnum = (n: number): string =>
  Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

// ---- audio with a plaintext marker

export const MARKER = 'VOXGATE-PLAINTEXT-MARKER';

export interface AudioFiles {
  readonly dir: string;
  /** A 16-bit PCM WAV (a 440 Hz tone) with the marker in an extra RIFF chunk. */
  readonly wav: string;
  /** Marker text repeated, then random bytes. */
  readonly text: string;
  /** The plaintext of each file, by path. */
  readonly contents: ReadonlyMap<string, Buffer>;
  /** 64 bytes of the WAV's PCM samples: a byte pattern that must not reach storage. */
  readonly pcmWindow: Buffer;
  remove(): void;
}

export function writeAudioFiles(): AudioFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'voxgate-audio-'));
  const rate = 8000;
  const samples = rate; // one second
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    pcm.writeInt16LE(Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const markerChunk = Buffer.from(MARKER.repeat(8));
  const chunk = (id: string, body: Buffer): Buffer => {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'ascii');
    header.writeUInt32LE(body.length, 4);
    return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'ascii'),
    chunk('fmt ', fmt),
    chunk('voxm', markerChunk),
    chunk('data', pcm),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  const wavBytes = Buffer.concat([riff, body]);
  const textBytes = Buffer.concat([Buffer.from(`${MARKER}\n`.repeat(200)), randomBytes(512)]);
  const wav = path.join(dir, 'fraudster.wav');
  const text = path.join(dir, 'marker.bin');
  writeFileSync(wav, wavBytes);
  writeFileSync(text, textBytes);
  return {
    dir,
    wav,
    text,
    contents: new Map([
      [wav, wavBytes],
      [text, textBytes],
    ]),
    pcmWindow: pcm.subarray(4000, 4064),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---- the database, read directly

export interface VoiceDataDbRow {
  readonly record_id: string;
  readonly domain_id: string;
  readonly owner_id: string;
  readonly kind: string;
  readonly key_ref: string;
  readonly wrapped_key: string;
  readonly ciphertext: string;
}

export interface DomainDbRow {
  readonly key_ref: string;
  readonly sse_update_status: string | null;
}

/** Read-only access to a server's Voice ID tables (SQLite file or PostgreSQL database). */
export interface VoiceDataInspector {
  /** The domain's voice data rows, by record_id. */
  rows(domainId: string): Promise<VoiceDataDbRow[]>;
  domain(domainId: string): Promise<DomainDbRow | undefined>;
  /** SQLite: the database file and its WAL, for a byte scan; undefined on PostgreSQL. */
  readonly files: readonly string[] | undefined;
  close(): Promise<void>;
}

const ROWS_SQL =
  'SELECT record_id, domain_id, owner_id, kind, key_ref, wrapped_key, ciphertext FROM voiceid_voice_data WHERE domain_id = $1 ORDER BY record_id';
const DOMAIN_SQL = 'SELECT key_ref, sse_update_status FROM voiceid_domains WHERE domain_id = $1';

export async function openInspector(database: TestDatabase): Promise<VoiceDataInspector> {
  if (database.databaseUrl === undefined) {
    const file = path.join(database.dataDir, 'voxgate.db');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.prepare<[string], VoiceDataDbRow>(ROWS_SQL.replace('$1', '?'));
    const domain = db.prepare<[string], DomainDbRow>(DOMAIN_SQL.replace('$1', '?'));
    return {
      rows: async (domainId) => rows.all(domainId),
      domain: async (domainId) => domain.get(domainId),
      files: [file, `${file}-wal`],
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: database.databaseUrl });
  await client.connect();
  return {
    rows: async (domainId) => (await client.query<VoiceDataDbRow>(ROWS_SQL, [domainId])).rows,
    domain: async (domainId) => (await client.query<DomainDbRow>(DOMAIN_SQL, [domainId])).rows[0],
    files: undefined,
    close: () => client.end(),
  };
}

/** key_ref → number of rows. */
export function countByKey(rows: readonly VoiceDataDbRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key_ref, (counts.get(r.key_ref) ?? 0) + 1);
  return counts;
}

// ---- errors and waiting

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** DescribeDomain until its encryption update is no longer IN_PROGRESS; returns the domain. */
export async function settledEncryptionUpdate(
  client: VoiceIDClient,
  domainId: string,
  timeoutMs = 30_000,
): Promise<Domain> {
  return waitFor(
    'the encryption update to leave IN_PROGRESS',
    async () => {
      const domain = await describeDomain(client, domainId);
      return domain.ServerSideEncryptionUpdateDetails?.UpdateStatus === 'IN_PROGRESS'
        ? undefined
        : domain;
    },
    timeoutMs,
  );
}
