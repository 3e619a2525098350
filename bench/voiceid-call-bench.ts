/**
 * A Voice ID call through the whole product: the server in-process (SQLite, or PostgreSQL with
 * --database-url), a caller enrolled by streaming their speech, then calls streamed in plain
 * mode (8 kHz µ-law, 20 ms frames as a telephony gateway sends them) and EvaluateSession through
 * the official SDK the moment the server says the required speech is stored. Prints, side by
 * side: the time from the frame that completed the required speech to the checkpoint being
 * readable by any node (`storedAfterMs`, measured in the server), the EvaluateSession round trip,
 * and their sum — the "result ready within 100 ms of the speech" figure — and the decisions.
 * Quality figures (EER, false accepts/rejects at 90) are `npm run bench:speaker-session`'s, on
 * held-out speakers; the speakers here are the test fixtures' (train-split speakers).
 *
 *   npx tsx bench/voiceid-call-bench.ts [--calls 20] [--database postgres]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EvaluateSessionCommand } from '@aws-sdk/client-voice-id';
import {
  StreamSocket,
  streamPlain,
  streamTwilio,
  wavData,
} from '../test/support/call-stream-client.js';
import {
  createDomain,
  createKey,
  startVoiceIdServer,
  uniqueName,
} from '../test/support/voiceid-fixtures.js';
import { VoiceIdSessionsClient } from '../test/support/voiceid-sessions-client.js';

const HELP = `Usage: npx tsx bench/voiceid-call-bench.ts [--calls N] [--database sqlite|postgres]
  --calls N          calls to authenticate (default 20), half the enrolled caller, half another
  --database KIND    sqlite (default) or postgres (VOXGATE_TEST_POSTGRES_URL, default
                     postgres://postgres@127.0.0.1:5432/test)`;

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '20' },
    database: { type: 'string', default: 'sqlite' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const kind = values.database === 'postgres' ? 'postgres' : 'sqlite';
if (kind === 'postgres')
  process.env.VOXGATE_TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const calls = Number(values.calls);

const fixture = (name: string): Buffer =>
  wavData(fileURLToPath(new URL(`../test/fixtures/voiceid/${name}.wav`, import.meta.url)));
const enrollAudio = fixture('0482-enroll');
const genuine = fixture('0482-verify');
const impostor = fixture('0594-verify');

const vid = await startVoiceIdServer(kind, ['--voiceid-enrollment-speech-seconds', '20']);
try {
  const sessions = new VoiceIdSessionsClient(vid.server.url, vid.creds);
  const key = await createKey(vid.server);
  const domainId = (await createDomain(vid.client, key.Alias)).DomainId;
  const first = uniqueName('CA');
  const started = await sessions.start({ DomainId: domainId, SessionName: first, SpeakerId: 'c1' });
  await sessions.enroll(domainId, first);
  await streamTwilio(await StreamSocket.connect(started.StreamUrl), { inbound: enrollAudio });
  const enrolled = (await sessions.describe(domainId, first)).EnrollmentRequestDetails?.Status;
  if (enrolled !== 'COMPLETED') throw new Error(`enrollment ${enrolled}`);

  const stored: number[] = [];
  const rtt: number[] = [];
  const total: number[] = [];
  const decisions = new Map<string, number>();
  for (let i = 0; i < calls; i++) {
    const own = i % 2 === 0;
    const name = uniqueName('CA');
    const s = await sessions.start({ DomainId: domainId, SessionName: name, SpeakerId: 'c1' });
    const socket = await StreamSocket.connect(s.StreamUrl);
    const streaming = streamPlain(socket, {
      encoding: 'mulaw',
      sampleRate: 8000,
      audio: own ? genuine : impostor,
      frameBytes: 160,
    });
    await socket.waitFor((m) => m.event === 'checkpoint' && Number(m.netSpeechSeconds) >= 10);
    const checkpoint = socket.messages.find(
      (m) => m.event === 'checkpoint' && Number(m.netSpeechSeconds) >= 10,
    )!;
    const t0 = performance.now();
    const result = await vid.client.send(
      new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: name }),
    );
    const evaluateMs = performance.now() - t0;
    const storedMs = Number(checkpoint.storedAfterMs);
    stored.push(storedMs);
    rtt.push(evaluateMs);
    total.push(storedMs + evaluateMs);
    const d = `${own ? 'same caller' : 'other voice'} → ${result.AuthenticationResult?.Decision}`;
    decisions.set(d, (decisions.get(d) ?? 0) + 1);
    await streaming;
    await socket.send({ event: 'stop' });
    await socket.closed;
  }
  const pct = (xs: number[], p: number): string => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!.toFixed(1);
  };
  console.log(`npx tsx bench/voiceid-call-bench.ts --calls ${calls} --database ${kind}`);
  console.log(`calls: ${calls} (8 kHz µ-law, 20 ms frames; decision at 10 s of net speech)`);
  console.log('                                   p50      p95      max   (ms)');
  for (const [label, xs] of [
    ['speech stored (server)', stored],
    ['EvaluateSession round trip', rtt],
    ['speech → decision', total],
  ] as const)
    console.log(
      `${label.padEnd(32)} ${pct(xs, 0.5).padStart(7)}  ${pct(xs, 0.95).padStart(7)}  ${pct(xs, 1).padStart(7)}`,
    );
  for (const [d, n] of decisions) console.log(`${d}: ${n}`);
} finally {
  await vid.server.stopAndDrop();
}
