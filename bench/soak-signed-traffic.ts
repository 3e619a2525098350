/**
 * Soak test of the AWS doors: a mix of signed Identity Store and Voice ID calls through the
 * official SDKs, a fixed number in flight, for minutes; the server's resident memory is read
 * from /metrics as it goes. Prints calls, errors, latency percentiles and whether memory
 * levelled off. `--help` lists the options.
 */
import { parseArgs } from 'node:util';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DescribeUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  IsMemberInGroupsCommand,
  ListUsersCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-identitystore';
import {
  CreateDomainCommand,
  CreateWatchlistCommand,
  DescribeDomainCommand,
  ListTagsForResourceCommand,
  ListWatchlistsCommand,
  TagResourceCommand,
  VoiceIDClient,
} from '@aws-sdk/client-voice-id';
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

const HELP = `Usage: npm run soak:aws -- [options]

Mixed signed traffic against a fresh \`voxgate serve\`: CreateUser, DescribeUser, UpdateUser,
ListUsers, GetUserId, memberships and IsMemberInGroups on the Identity Store; DescribeDomain,
ListWatchlists, TagResource and ListTagsForResource on Voice ID; every call through the
official SDKs with SigV4. Run \`npm run build\` first.

Options:
  --backend <b>      sqlite, postgres or both (default sqlite)
  --postgres-url <u> server for the PostgreSQL run (default postgres://postgres@127.0.0.1:5432/test)
  --seconds <n>      length of the run (default 120)
  --in-flight <n>    calls in flight at any moment (default 32)
  --json             one JSON object per backend
  -h, --help         show this help
`;

interface Options {
  readonly backends: Backend[];
  readonly postgresUrl: string;
  readonly seconds: number;
  readonly inFlight: number;
  readonly json: boolean;
}

interface Report {
  readonly backend: Backend;
  readonly seconds: number;
  readonly inFlight: number;
  readonly calls: number;
  readonly errors: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Resident memory of the server, MB: after warm-up, the largest of the middle and last third. */
  readonly rssStartMb: number;
  readonly rssMiddleMaxMb: number;
  readonly rssLastMaxMb: number;
}

function parseOptions(): Options | 'help' {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'sqlite' },
      'postgres-url': { type: 'string' },
      seconds: { type: 'string', default: '120' },
      'in-flight': { type: 'string', default: '32' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    backends: backendsOf(values.backend),
    postgresUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_URL,
    seconds: positiveInt('seconds', values.seconds),
    inFlight: positiveInt('in-flight', values['in-flight']),
    json: values.json,
  };
}

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('voxgate_process_resident_memory_bytes '));
  return Number(line?.split(' ')[1] ?? NaN) / 1e6;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function run(backend: Backend, options: Options): Promise<Report> {
  const storage = await freshStorage(backend, options.postgresUrl);
  const server = await ServerProcess.start(backend, [], storage);
  try {
    const accessKey = (await server.credentials()).accessKeys[0]!;
    const storeId = (
      await cliJson<{ IdentityStoreId: string }>(server, 'admin', 'identitystore', 'create')
    ).IdentityStoreId;
    const key = await cliJson<{ KeyId: string }>(server, 'admin', 'keys', 'create');
    const common = {
      endpoint: server.url,
      region: 'us-east-1',
      credentials: accessKey,
      maxAttempts: 1,
    };
    const ids = new IdentitystoreClient(common);
    const voice = new VoiceIDClient(common);
    const { Domain } = await voice.send(
      new CreateDomainCommand({
        Name: 'soak',
        ServerSideEncryptionConfiguration: { KmsKeyId: key.KeyId },
      }),
    );
    const domainId = Domain!.DomainId!;
    await voice.send(new CreateWatchlistCommand({ DomainId: domainId, Name: 'soak-list' }));
    const { GroupId } = await ids.send(
      new CreateGroupCommand({ IdentityStoreId: storeId, DisplayName: 'soak group' }),
    );
    const users: string[] = [];
    const names: string[] = [];
    const random = seededRandom(7);
    let created = 0;

    const calls: (() => Promise<unknown>)[] = [
      async () => {
        const name = `soak-${created++}`;
        const { UserId } = await ids.send(
          new CreateUserCommand({
            IdentityStoreId: storeId,
            UserName: name,
            DisplayName: name,
            Name: { GivenName: 'Soak', FamilyName: 'Test' },
            Emails: [{ Value: `${name}@soak.example`, Primary: true }],
          }),
        );
        users.push(UserId!);
        names.push(name);
        if (users.length % 10 === 0)
          await ids.send(
            new CreateGroupMembershipCommand({
              IdentityStoreId: storeId,
              GroupId: GroupId!,
              MemberId: { UserId: UserId! },
            }),
          );
      },
      () => ids.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: pickUser() })),
      () =>
        ids.send(
          new UpdateUserCommand({
            IdentityStoreId: storeId,
            UserId: pickUser(),
            Operations: [{ AttributePath: 'nickName', AttributeValue: `n${created}` }],
          }),
        ),
      () => ids.send(new ListUsersCommand({ IdentityStoreId: storeId, MaxResults: 50 })),
      () =>
        ids.send(
          new GetUserIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: {
              UniqueAttribute: {
                AttributePath: 'userName',
                AttributeValue: names[Math.floor(random() * names.length)]!,
              },
            },
          }),
        ),
      () =>
        ids.send(
          new IsMemberInGroupsCommand({
            IdentityStoreId: storeId,
            MemberId: { UserId: pickUser() },
            GroupIds: [GroupId!],
          }),
        ),
      () => voice.send(new DescribeDomainCommand({ DomainId: domainId })),
      () => voice.send(new ListWatchlistsCommand({ DomainId: domainId })),
      () =>
        voice.send(
          new TagResourceCommand({
            ResourceArn: Domain!.Arn!,
            Tags: [{ Key: `k${Math.floor(random() * 20)}`, Value: 'v' }],
          }),
        ),
      () => voice.send(new ListTagsForResourceCommand({ ResourceArn: Domain!.Arn! })),
    ];
    function pickUser(): string {
      return users[Math.floor(random() * users.length)]!;
    }
    // A few users first, so reads have something to read.
    for (let i = 0; i < 20; i++) await calls[0]!();

    const latencies: number[] = [];
    let errors = 0;
    const rss: { at: number; mb: number }[] = [];
    const started = Date.now();
    const end = started + options.seconds * 1000;
    const bar = new cliProgress.SingleBar(
      {
        format: `${backend} {bar} {value}/{total} s | calls {calls} errors {errors}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    if (process.stderr.isTTY) bar.start(options.seconds, 0, { calls: 0, errors: 0 });
    const worker = async () => {
      while (Date.now() < end) {
        const call = calls[Math.floor(random() * calls.length)]!;
        const t0 = performance.now();
        try {
          await call();
        } catch (e) {
          errors++;
          if (errors <= 5) console.error(`error: ${String(e)}`);
        }
        latencies.push(performance.now() - t0);
      }
    };
    const sampler = async () => {
      while (Date.now() < end) {
        rss.push({ at: Date.now() - started, mb: await rssMb(server.url) });
        if (process.stderr.isTTY)
          bar.update(Math.round((Date.now() - started) / 1000), {
            calls: latencies.length,
            errors,
          });
        await sleep(2000);
      }
    };
    await Promise.all([...Array.from({ length: options.inFlight }, worker), sampler()]);
    if (process.stderr.isTTY) bar.stop();
    const elapsed = (Date.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const third = (options.seconds * 1000) / 3;
    const maxOf = (from: number, to: number) =>
      Math.max(...rss.filter((s) => s.at >= from && s.at < to).map((s) => s.mb), 0);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      backend,
      seconds: options.seconds,
      inFlight: options.inFlight,
      calls: latencies.length,
      errors,
      callsPerSecond: round(latencies.length / elapsed),
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted.at(-1) ?? 0),
      rssStartMb: round(rss[1]?.mb ?? rss[0]?.mb ?? 0),
      rssMiddleMaxMb: round(maxOf(third, 2 * third)),
      rssLastMaxMb: round(maxOf(2 * third, Infinity)),
    };
  } finally {
    await server.stop();
    await storage.drop();
  }
}

await runScript({
  script: 'soak:aws',
  help: HELP,
  options: parseOptions(),
  run,
  line: (r) =>
    `${r.backend}: ${r.calls} calls in ${r.seconds} s at ${r.inFlight} in flight (${r.callsPerSecond}/s), ` +
    `errors ${r.errors}, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms; ` +
    `server RSS ${r.rssStartMb} MB at start, max ${r.rssMiddleMaxMb} MB in the middle third, ` +
    `${r.rssLastMaxMb} MB in the last`,
  failed: (r) => r.errors > 0,
});
