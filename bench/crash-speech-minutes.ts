/**
 * Crash safety of speech minutes: synchronous score_audio requests and async jobs run while the
 * server is killed with SIGKILL at random moments and started again on the same storage. Each
 * request is made for an end user of its own, so the usage per end user says exactly how often
 * each one was charged. At the end: no request charged twice, the balance never below zero,
 * never more charged than the balance held, every acknowledged job finished, and no minutes
 * left held once the server is back. `--help` lists the options.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/support/shared-dir.js';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import {
  DEFAULT_POSTGRES_URL,
  ServerProcess,
  backendsOf,
  cliJson,
  freshStorage,
  positiveInt,
  runScript,
  seededRandom,
  sleep,
  type Backend,
} from './support/crash-run.js';

const HELP = `Usage: npm run crash:speech -- [options]

Kills \`voxgate serve\` with SIGKILL at random moments while clients post synchronous
score_audio requests and async jobs (a real recording, each request for its own end user),
restarts it on the same storage, lets the jobs finish, then checks the minutes: nothing charged
twice, the balance never negative or over-spent, no hold left behind. Run \`npm run build\` first.

Options:
  --backend <b>      sqlite, postgres or both (default both)
  --postgres-url <u> server for the PostgreSQL run (default postgres://postgres@127.0.0.1:5432/test)
  --kills <n>        kills per backend (default 6)
  --minutes <m>      the client's balance (default 8: the run spends it, so the limit is tested)
  --sync <n>         concurrent synchronous requesters (default 3)
  --async <n>        concurrent async submitters (default 2)
  --seed <n>         seed of the kill schedule (default 1)
  --json             one JSON object per backend
  -h, --help         show this help
`;

const AUDIO = path.join(repoRoot, 'test', 'fixtures', 'corpus', 'audio', '000010011.flac');
const SENTENCE = 'We call it bear.';
const SERVER_ARGS = ['--asr-workers', '2', '--speech-job-lease-ms', '3000'];

interface Options {
  readonly backends: Backend[];
  readonly postgresUrl: string;
  readonly kills: number;
  readonly minutes: number;
  readonly sync: number;
  readonly async: number;
  readonly seed: number;
  readonly json: boolean;
}

interface Report {
  readonly backend: Backend;
  readonly kills: number;
  readonly killsSurvived: number;
  readonly requests: number;
  readonly acknowledged: number;
  readonly refusedNoMinutes: number;
  readonly jobsAcknowledged: number;
  readonly jobsUnfinished: number;
  readonly chargedTwice: number;
  readonly acknowledgedButFree: number;
  readonly minutesOverSpentMs: number;
  readonly lowestBalanceMs: number;
  readonly heldAfterRestartMs: number;
  readonly unexpectedErrors: number;
}

function parseOptions(): Options | 'help' {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'both' },
      'postgres-url': { type: 'string' },
      kills: { type: 'string', default: '6' },
      minutes: { type: 'string', default: '8' },
      sync: { type: 'string', default: '3' },
      async: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  return {
    backends: backendsOf(values.backend),
    postgresUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_URL,
    kills: positiveInt('kills', values.kills),
    minutes,
    sync: positiveInt('sync', values.sync),
    async: positiveInt('async', values.async),
    seed: positiveInt('seed', values.seed),
    json: values.json,
  };
}

interface SpeechClientView {
  readonly balanceMs: number;
  readonly reservedMs: number;
  readonly availableMs: number;
  readonly usedMs: number;
}

async function run(backend: Backend, options: Options): Promise<Report> {
  const storage = await freshStorage(backend, options.postgresUrl);
  const random = seededRandom(options.seed);
  const audio = readFileSync(AUDIO);
  let server = await ServerProcess.start(backend, SERVER_ARGS, storage);
  try {
    const { adminToken } = await server.credentials();
    const admin = async (method: string, route: string, body?: unknown) => {
      const res = await fetch(`${server.url}/admin/v1${route}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    const client = await cliJson<{ clientId: string }>(
      server,
      'admin',
      'clients',
      'create',
      '--name',
      'crash',
      '--minutes',
      String(options.minutes),
      '--apis',
      'scripted',
    );
    const { token } = await cliJson<{ token: string }>(
      server,
      'admin',
      'tokens',
      'create',
      '--client',
      client.clientId,
    );
    const balanceMs = Math.round(options.minutes * 60_000);

    let requests = 0;
    let acknowledged = 0;
    let refused = 0;
    let unexpected = 0;
    let lowest = balanceMs;
    const ackedSync = new Set<string>();
    const jobs = new Map<string, string>(); // end user → job id
    let stopping = false;

    const post = async (endUser: string, mode: 'sync' | 'async') => {
      const form = new FormData();
      form.set('audio_file', new Blob([audio]), '000010011.flac');
      form.set('sentence', SENTENCE);
      form.set('api_plan', 'premium');
      form.set('mode', mode);
      form.set('user_id', endUser);
      const res = await fetch(`${server.url}/api/v2/score_audio`, {
        method: 'POST',
        headers: { authorization: `ELSA ${token}` },
        body: form,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    const requester = async (mode: 'sync' | 'async', r: number): Promise<void> => {
      let n = 0;
      while (!stopping) {
        const endUser = `${mode}-${r}-${n++}`;
        try {
          await admin('PUT', `/speech/clients/${client.clientId}/end-users/${endUser}`);
        } catch {
          await sleep(50);
          continue; // the server is down: this end user made no request
        }
        requests++;
        try {
          const answer = await post(endUser, mode);
          if (answer.status === 200 && mode === 'sync') {
            acknowledged++;
            ackedSync.add(endUser);
          } else if (answer.status === 202 && mode === 'async') {
            acknowledged++;
            jobs.set(endUser, String(answer.body.job_id));
          } else if (answer.body.error === 'ClientHasNoMoreMinutes') {
            refused++;
            await sleep(100);
          } else if (answer.status >= 500 || answer.status === 422) {
            unexpected++;
            if (unexpected <= 5) console.error(`unexpected: ${JSON.stringify(answer.body)}`);
          }
        } catch {
          await sleep(50); // killed under the request: its outcome is unknown to the client
        }
      }
    };

    const watcher = async (): Promise<void> => {
      while (!stopping) {
        try {
          const c = (await admin(
            'GET',
            `/speech/clients/${client.clientId}`,
          )) as unknown as SpeechClientView;
          if (typeof c.balanceMs === 'number')
            lowest = Math.min(lowest, c.balanceMs, c.availableMs);
        } catch {
          // down
        }
        await sleep(200);
      }
    };

    const bar = new cliProgress.SingleBar(
      {
        format: `${backend} kills {bar} {value}/{total} | requests {requests}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    if (process.stderr.isTTY) bar.start(options.kills, 0, { requests: 0 });
    const loops = [
      ...Array.from({ length: options.sync }, (_, r) => requester('sync', r)),
      ...Array.from({ length: options.async }, (_, r) => requester('async', r)),
      watcher(),
    ];
    let survived = 0;
    for (let k = 0; k < options.kills; k++) {
      await sleep(1000 + random() * 3000);
      await server.stop('SIGKILL');
      server = await ServerProcess.start(backend, SERVER_ARGS, storage);
      survived++;
      if (process.stderr.isTTY) bar.update(k + 1, { requests });
    }
    await sleep(1000);
    stopping = true;
    await Promise.all(loops);
    if (process.stderr.isTTY) bar.stop();

    // The last server lets every acknowledged job finish.
    const deadline = Date.now() + 300_000;
    let unfinished = [...jobs];
    while (unfinished.length > 0 && Date.now() < deadline) {
      const still: [string, string][] = [];
      for (const [endUser, jobId] of unfinished) {
        const res = await fetch(`${server.url}/api/v2/score_audio/jobs/${jobId}`, {
          headers: { authorization: `ELSA ${token}` },
        });
        const view = (await res.json()) as { status?: string };
        if (view.status !== 'succeeded' && view.status !== 'failed') still.push([endUser, jobId]);
      }
      unfinished = still;
      if (unfinished.length > 0) await sleep(1000);
    }
    const after = (await admin(
      'GET',
      `/speech/clients/${client.clientId}`,
    )) as unknown as SpeechClientView;
    const usage = (await admin('GET', `/speech/clients/${client.clientId}/usage`)) as {
      byEndUser?: { endUserId: string | null; requests: number }[];
    };
    const charges = new Map((usage.byEndUser ?? []).map((u) => [u.endUserId ?? '', u.requests]));
    const chargedTwice = [...charges.values()].filter((n) => n > 1).length;
    const free = [...ackedSync].filter((u) => (charges.get(u) ?? 0) === 0).length;
    return {
      backend,
      kills: options.kills,
      killsSurvived: survived,
      requests,
      acknowledged,
      refusedNoMinutes: refused,
      jobsAcknowledged: jobs.size,
      jobsUnfinished: unfinished.length,
      chargedTwice,
      acknowledgedButFree: free,
      minutesOverSpentMs: Math.max(0, after.usedMs - balanceMs),
      lowestBalanceMs: Math.min(lowest, after.balanceMs),
      heldAfterRestartMs: after.reservedMs,
      unexpectedErrors: unexpected,
    };
  } finally {
    await server.stop();
    await storage.drop();
  }
}

await runScript({
  script: 'crash:speech',
  help: HELP,
  options: parseOptions(),
  run,
  line: (r) =>
    `${r.backend}: kills survived ${r.killsSurvived}/${r.kills}, requests ${r.requests} ` +
    `(acknowledged ${r.acknowledged}, ${r.jobsAcknowledged} of them jobs, refused for minutes ${r.refusedNoMinutes}), ` +
    `charged twice ${r.chargedTwice}, minutes over-spent ${r.minutesOverSpentMs} ms, ` +
    `lowest balance ${r.lowestBalanceMs} ms, held after restart ${r.heldAfterRestartMs} ms, ` +
    `jobs unfinished ${r.jobsUnfinished}, acknowledged but not charged ${r.acknowledgedButFree}, ` +
    `unexpected errors ${r.unexpectedErrors}`,
  failed: (r) =>
    r.chargedTwice > 0 ||
    r.minutesOverSpentMs > 0 ||
    r.lowestBalanceMs < 0 ||
    r.jobsUnfinished > 0 ||
    r.heldAfterRestartMs > 0 ||
    r.killsSurvived < r.kills,
});
