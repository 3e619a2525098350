/**
 * Load benchmark of the Identity Store API: a real `voxgate serve` process (SQLite in a temporary
 * data directory) against a bare Fastify route, measured with autocannon over loopback, one
 * scenario after another. Requests are SigV4-signed with the SDK's own signer before each
 * scenario, so no signing happens while measuring. `--help` lists the options.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CreateUserCommand,
  IdentitystoreClient,
  type CreateUserCommandInput,
} from '@aws-sdk/client-identitystore';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';
import { ServerProcess } from '../test/support/server-process.js';
import { createTestDatabase } from '../test/support/test-databases.js';
import { describeUserBreakdown, type Stage } from './support/describe-user-breakdown.js';

const runFile = promisify(execFile);
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const BARE_SERVER = path.join(benchDir, 'bare-fastify-server.ts');

const SEED_CONCURRENCY = 32;
// CreateUser requests are pre-signed for duration × this rate; the run ends early if exceeded.
const CREATE_RATE_CEILING = 3000;
const WARMUP_SECONDS = 1;
const AIM_SCENARIO = 'DescribeUser';
const AIM_RATIO = 0.5;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

const HELP = `Usage: npm run bench:identitystore -- [options]
       tsx bench/identitystore-bench.ts [options]

Load benchmark of Voxgate's Identity Store API on loopback. Starts a fresh \`voxgate serve\`
(SQLite in a temporary data directory; run \`npm run build\` first), seeds users with the AWS SDK
(${SEED_CONCURRENCY} in flight), starts a bare Fastify server as the baseline, then runs autocannon
scenarios one after another: bare Fastify POST /, DescribeUser, GetUserId (userName),
ListUsers (MaxResults 100), CreateUser (each request a new user). Replayable scenarios get a
${WARMUP_SECONDS} s unmeasured warm-up. Aim: signed ${AIM_SCENARIO} >= ${AIM_RATIO * 100} % of the bare route's req/s.

Options:
  --duration <s>      seconds per scenario (default 10)
  --connections <n>   concurrent connections (default 16)
  --users <n>         users to seed (default 10000)
  --json              print one JSON object instead of the table
  -h, --help          show this help
`;

interface BenchOptions {
  readonly duration: number;
  readonly connections: number;
  readonly users: number;
  readonly json: boolean;
}

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface Target {
  readonly url: string;
  readonly hostname: string;
  readonly port: number;
}

interface PreparedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Either one request replayed by every connection, or a distinct list per connection. */
type LoadPlan =
  | { readonly kind: 'replay'; readonly probe: PreparedRequest; readonly request: PreparedRequest }
  | {
      readonly kind: 'distinct';
      readonly probe: PreparedRequest;
      readonly perConnection: readonly (readonly PreparedRequest[])[];
    };

interface Scenario {
  readonly name: string;
  readonly target: Target;
  readonly prepare: () => Promise<LoadPlan>;
}

interface ScenarioResult {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly totalRequests: number;
  readonly durationSeconds: number;
  readonly statusCodes: Record<string, number>;
  readonly ratioToBare: number;
  readonly note?: string;
}

interface SeededUser {
  readonly userId: string;
  readonly userName: string;
}

interface SeedReport {
  readonly users: number;
  readonly seconds: number;
  readonly usersPerSecond: number;
  readonly sample: SeededUser;
}

interface Environment {
  readonly command: string;
  readonly node: string;
  readonly nproc: string;
  readonly cpuModel: string;
  readonly gitCommit: string;
  readonly loadAverage1m: number;
}

// ---- options --------------------------------------------------------------------------------

function positiveInt(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer`);
  return value;
}

function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      users: { type: 'string', default: '10000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    duration: positiveInt('--duration', values.duration),
    connections: positiveInt('--connections', values.connections),
    users: positiveInt('--users', values.users),
    json: values.json,
  };
}

// ---- cleanup --------------------------------------------------------------------------------

/** Steps run once, newest first, whether the run ends normally, fails or is interrupted. */
class Cleanup {
  private readonly steps: (() => Promise<void>)[] = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('cleanup:', error);
      }
    }
  }
}

const cleanup = new Cleanup();
let activeRun: autocannon.Instance | undefined;
let interrupted = false;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${signal}: stopping servers and removing the data directory…\n`);
  activeRun?.stop();
  void cleanup.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
}

// ---- child processes ------------------------------------------------------------------------

/** The children's environment without VOXGATE_*: a developer's settings must not redirect the run. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VOXGATE_')),
  );
}

function parseListeningPort(line: string): number | undefined {
  try {
    const event = JSON.parse(line) as { event?: unknown; port?: unknown };
    return event.event === 'listening' && typeof event.port === 'number' ? event.port : undefined;
  } catch {
    return undefined;
  }
}

function waitForListening(name: string, child: ChildProcess, stderr: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const failure = (why: string): Error => new Error(`${name} ${why}:\n${stderr.join('\n')}`);
    const timer = setTimeout(() => reject(failure('did not listen in time')), STARTUP_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const port = parseListeningPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve(port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(failure(`exited with ${code} before listening`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Spawns `node <args>`, registers its stop with the cleanup, resolves with its port. */
async function startServer(name: string, args: readonly string[]): Promise<Target> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add(() => stopProcess(child));
  const stderr: string[] = [];
  // Keep draining stderr so a chatty server never blocks on a full pipe.
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 50) stderr.shift();
  });
  const port = await waitForListening(name, child, stderr);
  return { url: `http://127.0.0.1:${port}`, hostname: '127.0.0.1', port };
}

// ---- seeding --------------------------------------------------------------------------------

function userInput(storeId: string, prefix: string, index: number): CreateUserCommandInput {
  const userName = `${prefix}-${String(index).padStart(6, '0')}`;
  return {
    IdentityStoreId: storeId,
    UserName: userName,
    DisplayName: `Bench User ${index}`,
    Name: { GivenName: 'Bench', FamilyName: `User${index}` },
    Emails: [{ Value: `${userName}@bench.example`, Type: 'work', Primary: true }],
  };
}

/** A carriage-return counter on stderr, only on a terminal, at most ten updates a second. */
function progressCounter(label: string, total: number): (done: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = 0;
  return (done) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    process.stderr.write(`\r${label}: ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

async function seedUsers(
  client: IdentitystoreClient,
  storeId: string,
  count: number,
): Promise<SeedReport> {
  const sampleIndex = Math.floor(count / 2);
  const progress = progressCounter('seeding users', count);
  let sample: SeededUser | undefined;
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < count && !failed && !interrupted) {
      const index = next++;
      const input = userInput(storeId, 'user', index);
      try {
        const out = await client.send(new CreateUserCommand(input));
        if (index === sampleIndex) sample = { userId: out.UserId!, userName: input.UserName! };
      } catch (error) {
        failed = true;
        throw error;
      }
      progress(++done);
    }
  };
  const started = performance.now();
  const workers = Array.from({ length: Math.min(SEED_CONCURRENCY, count) }, worker);
  await Promise.all(workers);
  const seconds = (performance.now() - started) / 1000;
  if (!sample) throw new Error('seeding stopped before the sample user was created');
  return { users: count, seconds, usersPerSecond: count / seconds, sample };
}

// ---- signing --------------------------------------------------------------------------------

function createSigner(credentials: Credentials): SignatureV4 {
  return new SignatureV4({
    credentials,
    region: 'us-east-1',
    service: 'identitystore',
    sha256: Sha256,
  });
}

/** POST / signed as the SDK sends it (AWS JSON 1.1, X-Amz-Target, host, date, payload hash). */
async function signOperation(
  signer: SignatureV4,
  target: Target,
  operation: string,
  payload: object,
): Promise<PreparedRequest> {
  const body = JSON.stringify(payload);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: target.hostname,
    port: target.port,
    path: '/',
    headers: {
      host: `${target.hostname}:${target.port}`,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSIdentityStore.${operation}`,
    },
    body,
  });
  const signed = await signer.sign(request);
  return { headers: signed.headers, body };
}

async function replayPlan(
  signer: SignatureV4,
  target: Target,
  operation: string,
  payload: object,
): Promise<LoadPlan> {
  const request = await signOperation(signer, target, operation, payload);
  return { kind: 'replay', probe: request, request };
}

/** Enough distinct CreateUser requests for the whole run at the ceiling rate, plus one probe. */
async function createUserPlan(
  signer: SignatureV4,
  target: Target,
  storeId: string,
  options: BenchOptions,
): Promise<LoadPlan> {
  const perConnection = Math.ceil((options.duration * CREATE_RATE_CEILING) / options.connections);
  const sign = (index: number): Promise<PreparedRequest> =>
    signOperation(signer, target, 'CreateUser', userInput(storeId, 'load', index));
  const lists: PreparedRequest[][] = [];
  for (let c = 0; c < options.connections; c++) {
    const list: PreparedRequest[] = [];
    for (let i = 0; i < perConnection; i++) list.push(await sign(c * perConnection + i));
    lists.push(list);
  }
  const probe = await sign(options.connections * perConnection);
  return { kind: 'distinct', probe, perConnection: lists };
}

function buildScenarios(
  bare: Target,
  voxgate: Target,
  signer: SignatureV4,
  storeId: string,
  sample: SeededUser,
  options: BenchOptions,
): Scenario[] {
  const bareRequest: PreparedRequest = {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'world', n: 1 }),
  };
  const lookup = { AttributePath: 'userName', AttributeValue: sample.userName };
  return [
    {
      name: 'bare Fastify POST /',
      target: bare,
      prepare: async () => ({ kind: 'replay', probe: bareRequest, request: bareRequest }),
    },
    {
      name: 'DescribeUser',
      target: voxgate,
      prepare: () =>
        replayPlan(signer, voxgate, 'DescribeUser', {
          IdentityStoreId: storeId,
          UserId: sample.userId,
        }),
    },
    {
      name: 'GetUserId (userName)',
      target: voxgate,
      prepare: () =>
        replayPlan(signer, voxgate, 'GetUserId', {
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: lookup },
        }),
    },
    {
      name: 'ListUsers (100)',
      target: voxgate,
      prepare: () =>
        replayPlan(signer, voxgate, 'ListUsers', { IdentityStoreId: storeId, MaxResults: 100 }),
    },
    {
      name: 'CreateUser',
      target: voxgate,
      prepare: () => createUserPlan(signer, voxgate, storeId, options),
    },
  ];
}

// ---- load -----------------------------------------------------------------------------------

/** One request outside the measurement, so a signing or payload mistake fails with its answer. */
async function probe(name: string, target: Target, request: PreparedRequest): Promise<void> {
  // fetch sets Host itself, from the same URL the request was signed for.
  const { host: _host, ...headers } = request.headers;
  const response = await fetch(`${target.url}/`, { method: 'POST', headers, body: request.body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${name}: probe answered ${response.status}: ${text}`);
}

function cannonOptions(
  target: Target,
  plan: LoadPlan,
  connections: number,
  duration: number,
): autocannon.Options {
  const base = { url: target.url, connections, duration, method: 'POST' as const };
  if (plan.kind === 'replay') {
    return { ...base, headers: plan.request.headers, body: plan.request.body };
  }
  let nextList = 0;
  return {
    ...base,
    // Each connection stops at the end of its own list instead of wrapping into duplicates.
    maxConnectionRequests: plan.perConnection[0]?.length ?? 1,
    setupClient: (client) => {
      const list = plan.perConnection[nextList++] ?? [];
      client.setRequests(list.map((r) => ({ method: 'POST', headers: r.headers, body: r.body })));
    },
  };
}

function runCannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    activeRun = autocannon(options, (error: unknown, result: autocannon.Result) => {
      activeRun = undefined;
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

function statusCounts(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
}

function toScenarioResult(
  name: string,
  result: autocannon.Result,
  plan: LoadPlan,
  options: BenchOptions,
): Omit<ScenarioResult, 'ratioToBare'> {
  const prepared = plan.kind === 'distinct' ? plan.perConnection.flat().length : Infinity;
  const endedEarly = result.requests.sent >= prepared && result.duration < options.duration - 0.5;
  return {
    scenario: name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    totalRequests: result.requests.total,
    durationSeconds: result.duration,
    statusCodes: statusCounts(result),
    ...(endedEarly
      ? { note: `all ${prepared} pre-signed requests used in ${result.duration} s` }
      : {}),
  };
}

type MeasuredScenario = Omit<ScenarioResult, 'ratioToBare'>;

async function measure(scenario: Scenario, options: BenchOptions): Promise<MeasuredScenario> {
  const plan = await scenario.prepare();
  await probe(scenario.name, scenario.target, plan.probe);
  if (plan.kind === 'replay') {
    await runCannon(cannonOptions(scenario.target, plan, options.connections, WARMUP_SECONDS));
  }
  process.stderr.write(
    `running ${scenario.name}: ${options.duration} s, ${options.connections} connections…\n`,
  );
  const result = await runCannon(
    cannonOptions(scenario.target, plan, options.connections, options.duration),
  );
  return toScenarioResult(scenario.name, result, plan, options);
}

// ---- report ---------------------------------------------------------------------------------

async function commandOutput(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await runFile(command, [...args], { cwd: repoRoot });
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}

async function cpuModel(): Promise<string> {
  try {
    const info = await readFile('/proc/cpuinfo', 'utf8');
    const match = /^model name\s*:\s*(.+)$/m.exec(info);
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall through to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function commandLine(): string {
  const args = process.argv.slice(2).map(quoteArg);
  const script = process.env['npm_lifecycle_event'];
  if (script) return ['npm', 'run', script, ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
  const self = path.relative(process.cwd(), fileURLToPath(import.meta.url));
  return ['tsx', self, ...args].join(' ');
}

async function environment(): Promise<Environment> {
  return {
    command: commandLine(),
    node: process.version,
    nproc: await commandOutput('nproc', []),
    cpuModel: await cpuModel(),
    gitCommit: await commandOutput('git', ['rev-parse', '--short', 'HEAD']),
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

function withRatios(results: readonly Omit<ScenarioResult, 'ratioToBare'>[]): ScenarioResult[] {
  const bareRate = results[0]?.requestsPerSecond ?? 0;
  return results.map((r) => ({
    ...r,
    ratioToBare: bareRate > 0 ? r.requestsPerSecond / bareRate : 0,
  }));
}

function aim(results: readonly ScenarioResult[]): {
  statement: string;
  ratio: number;
  met: boolean;
} {
  const ratio = results.find((r) => r.scenario === AIM_SCENARIO)?.ratioToBare ?? 0;
  const statement = `signed ${AIM_SCENARIO} >= ${AIM_RATIO * 100} % of the bare route`;
  return { statement, ratio, met: ratio >= AIM_RATIO };
}

/** autocannon records whole milliseconds, rounded down: 0 means under 1 ms. */
function formatMs(ms: number): string {
  return ms === 0 ? '<1' : String(ms);
}

function formatTable(results: readonly ScenarioResult[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'ratio'];
  const rows = results.map((r) => [
    r.scenario,
    r.requestsPerSecond.toFixed(0),
    formatMs(r.p50Ms),
    formatMs(r.p99Ms),
    String(r.non2xx),
    r.ratioToBare.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function warnings(results: readonly ScenarioResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.non2xx > 0 || r.errors > 0
      ? [
          `! ${r.scenario}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts), ` +
            `status codes ${JSON.stringify(r.statusCodes)}`,
        ]
      : []),
    ...(r.note ? [`! ${r.scenario}: ${r.note}`] : []),
  ]);
}

/**
 * The stages with the two totals they sit between: the bare route's time per request (the
 * framework and HTTP) and DescribeUser's (1 / req/s, one core serving); what is left is the rest.
 */
function withRest(stages: readonly Stage[], results: readonly ScenarioResult[]): Stage[] {
  const perRequest = (name: string) => {
    const r = results.find((x) => x.scenario === name);
    return r && r.requestsPerSecond > 0 ? 1e6 / r.requestsPerSecond : NaN;
  };
  const whole = perRequest(AIM_SCENARIO);
  const bare = perRequest('bare Fastify POST /');
  const rest = whole - bare - stages.reduce((sum, s) => sum + s.microseconds, 0);
  return [
    { stage: `${AIM_SCENARIO} through voxgate serve (1 / req/s)`, microseconds: whole },
    { stage: 'as much as the bare Fastify route takes (framework, HTTP)', microseconds: bare },
    ...stages,
    {
      stage: "the rest: the door's plumbing, GC and running all this under load",
      microseconds: rest,
    },
  ];
}

function formatBreakdown(stages: readonly Stage[]): string {
  const width = Math.max(...stages.map((s) => s.stage.length));
  return [
    'where a signed DescribeUser goes (µs per request; stages measured in this process):',
    ...stages.map((s, i) => {
      const line = `  ${i === 0 ? '' : '  '}${s.stage.padEnd(width)}  ${s.microseconds.toFixed(1).padStart(7)}`;
      return i === 0 ? `${line}\n  of which:` : line;
    }),
  ].join('\n');
}

function printText(
  options: BenchOptions,
  seed: SeedReport,
  results: readonly ScenarioResult[],
  breakdown: readonly Stage[],
  env: Environment,
): void {
  const goal = aim(results);
  const lines = [
    `seeded ${seed.users} users in ${seed.seconds.toFixed(1)} s ` +
      `(${seed.usersPerSecond.toFixed(0)} users/s, ${SEED_CONCURRENCY} in flight, AWS SDK)`,
    `${options.duration} s per scenario, ${options.connections} connections, loopback`,
    '',
    formatTable(results),
    ...warnings(results),
    '',
    formatBreakdown(breakdown),
    '',
    `aim: ${goal.statement}: ${goal.met ? 'met' : 'NOT met'} (${(goal.ratio * 100).toFixed(1)} %)`,
    '',
    `command: ${env.command}`,
    `node: ${env.node}`,
    `nproc: ${env.nproc}`,
    `cpu: ${env.cpuModel}`,
    `commit: ${env.gitCommit}`,
    `load average (1 min) before the run: ${env.loadAverage1m.toFixed(2)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printJson(
  options: BenchOptions,
  seed: SeedReport,
  results: readonly ScenarioResult[],
  breakdown: readonly Stage[],
  env: Environment,
): void {
  const { sample: _sample, ...seeding } = seed;
  const report = {
    options,
    seeding,
    scenarios: results,
    aim: aim(results),
    describeUserMicroseconds: breakdown,
    environment: env,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

// ---- main -----------------------------------------------------------------------------------

async function runBenchmark(options: BenchOptions): Promise<void> {
  // Taken first: the load average then shows what else the machine was doing.
  const env = await environment();
  const database = await createTestDatabase('sqlite');
  const server = await ServerProcess.start('sqlite', [], database);
  cleanup.add(() => server.stopAndDrop());
  const voxgate: Target = { url: server.url, hostname: '127.0.0.1', port: server.port };
  const credentials = (await server.credentials()).accessKeys[0]!;
  const storeId = (
    JSON.parse(await server.cli('admin', 'identitystore', 'create', '--json')) as {
      IdentityStoreId: string;
    }
  ).IdentityStoreId;
  process.stderr.write(`voxgate on ${voxgate.url}, identity store ${storeId}\n`);

  const client = new IdentitystoreClient({
    endpoint: voxgate.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const seed = await seedUsers(client, storeId, options.users);
  client.destroy();
  process.stderr.write(`seeded ${seed.users} users at ${seed.usersPerSecond.toFixed(0)}/s\n`);

  const bare = await startServer('bare Fastify', ['--import', 'tsx', BARE_SERVER]);
  const signer = createSigner(credentials);
  const scenarios = buildScenarios(bare, voxgate, signer, storeId, seed.sample, options);
  const measured: Omit<ScenarioResult, 'ratioToBare'>[] = [];
  for (const scenario of scenarios) {
    if (interrupted) return;
    measured.push(await measure(scenario, options));
  }
  const results = withRatios(measured);
  process.stderr.write('measuring the stages of DescribeUser in this process…\n');
  const breakdown = withRest(await describeUserBreakdown(), results);
  if (options.json) printJson(options, seed, results, breakdown, env);
  else printText(options, seed, results, breakdown, env);
  if (results.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runBenchmark(options);
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  if (interrupted) return;
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
