/**
 * Crash safety of Identity Store writes: writers create and update users through the official
 * SDK while the server is killed with SIGKILL at random moments and started again on the same
 * storage. At the end every acknowledged write must be there: each acknowledged user exists
 * under its name, each user's last acknowledged update (or a later attempted one) is what is
 * stored, and no name is held by two users. `--help` lists the options.
 */
import { parseArgs } from 'node:util';
import {
  CreateUserCommand,
  DescribeUserCommand,
  IdentitystoreClient,
  IdentitystoreServiceException,
  ListUsersCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-identitystore';
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

const HELP = `Usage: npm run crash:identitystore -- [options]

Kills \`voxgate serve\` with SIGKILL at random moments while concurrent writers create and update
users with the AWS SDK, restarts it on the same storage each time, then checks that no
acknowledged write was lost and no user name is held twice. Run \`npm run build\` first.

Options:
  --backend <b>      sqlite, postgres or both (default both)
  --postgres-url <u> server for the PostgreSQL run (default postgres://postgres@127.0.0.1:5432/test)
  --kills <n>        kills per backend (default 14)
  --writers <n>      concurrent writers (default 8)
  --seed <n>         seed of the kill schedule and the writers' choices (default 1)
  --json             one JSON object per backend instead of the text lines
  -h, --help         show this help
`;

interface Options {
  readonly backends: Backend[];
  readonly postgresUrl: string;
  readonly kills: number;
  readonly writers: number;
  readonly seed: number;
  readonly json: boolean;
}

interface TrackedUser {
  readonly name: string;
  readonly id: string;
  /** Highest nickName version acknowledged, and highest sent (acknowledged or not). */
  acked: number;
  attempted: number;
}

interface Report {
  readonly backend: Backend;
  readonly kills: number;
  readonly killsSurvived: number;
  readonly acknowledgedWrites: number;
  readonly lostWrites: number;
  readonly uniquenessViolations: number;
  readonly unexpectedErrors: number;
  readonly meanRestartMs: number;
}

const CONTESTED_NAMES = 20;

function parseOptions(): Options | 'help' {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'both' },
      'postgres-url': { type: 'string' },
      kills: { type: 'string', default: '14' },
      writers: { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    backends: backendsOf(values.backend),
    postgresUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_URL,
    kills: positiveInt('kills', values.kills),
    writers: positiveInt('writers', values.writers),
    seed: positiveInt('seed', values.seed),
    json: values.json,
  };
}

/** A failure that says nothing about the write: the server was killed under it. */
function isTransport(e: unknown): boolean {
  return !(e instanceof IdentitystoreServiceException) || e.$metadata.httpStatusCode === undefined;
}

async function run(backend: Backend, options: Options): Promise<Report> {
  const storage = await freshStorage(backend, options.postgresUrl);
  const random = seededRandom(options.seed);
  let server = await ServerProcess.start(backend, [], storage);
  try {
    const accessKey = (await server.credentials()).accessKeys[0]!;
    const storeId = (
      await cliJson<{ IdentityStoreId: string }>(server, 'admin', 'identitystore', 'create')
    ).IdentityStoreId;
    const clientFor = (url: string, key: { accessKeyId: string; secretAccessKey: string }) =>
      new IdentitystoreClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: key,
        maxAttempts: 1,
        requestHandler: { requestTimeout: 15_000 },
      });
    let client = clientFor(server.url, accessKey);

    const users: TrackedUser[][] = Array.from({ length: options.writers }, () => []);
    const contestedAcks = new Map<string, number>();
    let acknowledged = 0;
    let unexpected = 0;
    let stopping = false;

    const writer = async (w: number): Promise<void> => {
      const mine = users[w]!;
      let created = 0;
      while (!stopping) {
        const c = client;
        const roll = random();
        try {
          if (mine.length === 0 || roll < 0.35) {
            const contested = roll < 0.05;
            const name = contested
              ? `contested-${Math.floor(random() * CONTESTED_NAMES)}`
              : `w${w}-u${created++}`;
            const out = await c.send(
              new CreateUserCommand({
                IdentityStoreId: storeId,
                UserName: name,
                DisplayName: `Writer ${w}`,
                Name: { GivenName: 'Crash', FamilyName: `W${w}` },
              }),
            );
            acknowledged++;
            if (contested) contestedAcks.set(name, (contestedAcks.get(name) ?? 0) + 1);
            else mine.push({ name, id: out.UserId!, acked: 0, attempted: 0 });
          } else {
            const user = mine[Math.floor(random() * mine.length)]!;
            const version = user.attempted + 1;
            user.attempted = version;
            await c.send(
              new UpdateUserCommand({
                IdentityStoreId: storeId,
                UserId: user.id,
                Operations: [{ AttributePath: 'nickName', AttributeValue: `v${version}` }],
              }),
            );
            user.acked = version;
            acknowledged++;
          }
        } catch (e) {
          if (isTransport(e)) {
            await sleep(20);
            continue;
          }
          // A contested name taken by another writer is the point of contesting it.
          if ((e as { name?: string }).name === 'ConflictException') continue;
          unexpected++;
          if (unexpected <= 5) console.error(`unexpected: ${String(e)}`);
        }
      }
    };

    const bar = new cliProgress.SingleBar(
      {
        format: `${backend} kills {bar} {value}/{total} | acknowledged writes {writes}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    if (process.stderr.isTTY) bar.start(options.kills, 0, { writes: 0 });
    const writers = Array.from({ length: options.writers }, (_, w) => writer(w));
    let survived = 0;
    let restartMs = 0;
    for (let k = 0; k < options.kills; k++) {
      await sleep(300 + random() * 1700);
      await server.stop('SIGKILL');
      const restartedAt = Date.now();
      server = await ServerProcess.start(backend, [], storage);
      restartMs += Date.now() - restartedAt;
      client = clientFor(server.url, accessKey);
      survived++;
      if (process.stderr.isTTY) bar.update(k + 1, { writes: acknowledged });
    }
    await sleep(500);
    stopping = true;
    await Promise.all(writers);
    if (process.stderr.isTTY) bar.stop();

    // Verification against a freshly started server.
    await server.stop();
    server = await ServerProcess.start(backend, [], storage);
    client = clientFor(server.url, accessKey);
    let lost = 0;
    for (const user of users.flat()) {
      try {
        const d = await client.send(
          new DescribeUserCommand({ IdentityStoreId: storeId, UserId: user.id }),
        );
        const stored = d.NickName === undefined ? 0 : Number(d.NickName.slice(1));
        if (d.UserName !== user.name || stored < user.acked || stored > user.attempted) lost++;
      } catch {
        lost++;
      }
    }
    let violations = [...contestedAcks.values()].filter((n) => n > 1).length;
    const names = [
      ...users.flat().map((u) => u.name),
      ...Array.from({ length: CONTESTED_NAMES }, (_, i) => `contested-${i}`),
    ];
    for (const name of names) {
      const listed = await client.send(
        new ListUsersCommand({
          IdentityStoreId: storeId,
          Filters: [{ AttributePath: 'UserName', AttributeValue: name }],
        }),
      );
      if ((listed.Users?.length ?? 0) > 1) violations++;
    }
    return {
      backend,
      kills: options.kills,
      killsSurvived: survived,
      acknowledgedWrites: acknowledged,
      lostWrites: lost,
      uniquenessViolations: violations,
      unexpectedErrors: unexpected,
      meanRestartMs: Math.round(restartMs / Math.max(1, survived)),
    };
  } finally {
    await server.stop();
    await storage.drop();
  }
}

await runScript({
  script: 'crash:identitystore',
  help: HELP,
  options: parseOptions(),
  run,
  line: (r) =>
    `${r.backend}: kills survived ${r.killsSurvived}/${r.kills}, acknowledged writes ${r.acknowledgedWrites}, ` +
    `lost ${r.lostWrites}, uniqueness violations ${r.uniquenessViolations}, ` +
    `unexpected errors ${r.unexpectedErrors}, mean restart ${r.meanRestartMs} ms`,
  failed: (r) => r.lostWrites > 0 || r.uniquenessViolations > 0 || r.killsSurvived < r.kills,
});
