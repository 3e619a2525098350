/**
 * Voice ID sessions with real call audio (docs/voiceid.md "A call, end to end"): a caller's
 * speech (speechocean762 speaker 0482, 8 kHz µ-law) streamed as Twilio Media Streams sends it
 * enrolls them; later calls authenticate through EvaluateSession (the official SDK), another
 * speaker (0594) is rejected, the agent's track is ignored, and each decision of the model is
 * caused: SPEAKER_ID_NOT_PROVIDED, SPEAKER_NOT_ENROLLED, SPEAKER_OPTED_OUT, SPEAKER_EXPIRED,
 * NOT_ENOUGH_SPEECH, ACCEPT, REJECT; a known fraudster is HIGH_RISK. The stream door's errors:
 * a second socket (ANOTHER_ACTIVE_STREAM), a bad token, garbage, an idle stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeSpeakerCommand,
  EvaluateSessionCommand,
  OptOutSpeakerCommand,
  type EvaluateSessionCommandOutput,
} from '@aws-sdk/client-voice-id';
import { decodeMuLaw, StreamResampler } from '../../src/audio/index.js';
import { SENTENCES, VOICES, speakSamples } from '../speaker/espeak-voices.js';
import { testDatabaseKinds } from '../support/test-databases.js';
import type { TestApp } from '../support/test-app.js';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  createDomain,
  createKey,
  startVoiceIdServer,
  uniqueName,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import {
  VoiceIdSessionsClient,
  assertSessionConflict,
  sessionRejection,
} from '../support/voiceid-sessions-client.js';
import { StreamSocket, streamPlain, streamTwilio, wavData } from '../support/call-stream-client.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/voiceid/${name}.wav`, import.meta.url));
const ENROLL_0482 = wavData(fixture('0482-enroll')); // 37 s, ≈26 s of net speech
const VERIFY_0482 = wavData(fixture('0482-verify')); // 17 s, ≈11 s
const VERIFY_0594 = wavData(fixture('0594-verify')); // 20 s, ≈15 s
const RESULT_ID = /^[a-zA-Z0-9]{22}$/;
/**
 * The calls here accept at 60, not Voice ID's default 90: the fixture enrolls on 26 s of net
 * speech and tests on 10–11 s, where the caller scores about 80–90 and the other voice near 0.
 * What the default threshold does on held-out speakers is the benchmark's (docs/speaker.md).
 */
const THRESHOLD = 60;

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID sessions: calls (${kind})`, { timeout: TEST_TIMEOUT }, () => {
    let vid: VoiceIdServer;
    let sessions: VoiceIdSessionsClient;
    let domainId: string;

    const evaluate = (name: string): Promise<EvaluateSessionCommandOutput> =>
      vid.client.send(new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: name }));

    /** StartSession, then the call's audio over Twilio Media Streams until `stop`. */
    async function twilioCall(
      speakerId: string | undefined,
      inbound: Buffer,
      extra: { outbound?: Buffer; snakeCase?: boolean } = {},
    ): Promise<string> {
      const name = uniqueName('CA');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        ...(speakerId !== undefined && { SpeakerId: speakerId }),
        AuthenticationConfiguration: { AcceptanceThreshold: THRESHOLD },
      });
      const socket = await StreamSocket.connect(started.StreamUrl);
      const outcome = await streamTwilio(socket, { inbound, ...extra });
      assert.equal(outcome.code, 1000, `closed normally: ${outcome.reason}`);
      assert.deepEqual(outcome.messages, [], 'Twilio is sent nothing');
      return name;
    }

    before(
      async () => {
        // 20 s of net speech enrolls here (30 s by default), so that the fixture stays small.
        vid = await startVoiceIdServer(kind, [
          '--voiceid-enrollment-speech-seconds',
          '20',
          '--voiceid-stream-idle-seconds',
          '2',
        ]);
        sessions = new VoiceIdSessionsClient(vid.server.url, vid.creds);
        const key = await createKey(vid.server);
        domainId = (await createDomain(vid.client, key.Alias)).DomainId;
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(async () => vid.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    test('a call enrolls its caller: EnrollBySession, then the Twilio stream completes it', async () => {
      const name = uniqueName('CA');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        SpeakerId: 'cust-0482',
      });
      assert.equal(await sessions.enroll(domainId, name), 'NOT_ENOUGH_SPEECH');
      const socket = await StreamSocket.connect(started.StreamUrl);
      const outcome = await streamTwilio(socket, { inbound: ENROLL_0482, outbound: VERIFY_0594 });
      assert.equal(outcome.code, 1000);
      const s = await sessions.describe(domainId, name);
      assert.equal(s.StreamingStatus, 'ENDED');
      assert.deepEqual(s.EnrollmentRequestDetails, { Status: 'COMPLETED' });
      const speaker = await vid.client.send(
        new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: 'cust-0482' }),
      );
      assert.equal(speaker.Speaker?.Status, 'ENROLLED');
      assert.ok(speaker.Speaker?.LastAccessedAt, 'enrollment sets LastAccessedAt');
    });

    test('the same caller is accepted on another call; result ids are stable until something changes', async () => {
      const name = await twilioCall('cust-0482', VERIFY_0482, { snakeCase: true });
      const first = await evaluate(name);
      assert.equal(first.StreamingStatus, 'ENDED');
      const auth = first.AuthenticationResult!;
      assert.equal(auth.Decision, 'ACCEPT', `score ${auth.Score}`);
      assert.ok(auth.Score! >= THRESHOLD && auth.Score! <= 100);
      assert.equal(auth.CustomerSpeakerId, 'cust-0482');
      assert.match(auth.GeneratedSpeakerId!, /^id#[a-zA-Z0-9]{22}$/);
      assert.match(auth.AuthenticationResultId!, RESULT_ID);
      assert.deepEqual(auth.Configuration, { AcceptanceThreshold: THRESHOLD });
      assert.ok(auth.AudioAggregationStartedAt! <= auth.AudioAggregationEndedAt!);
      const fraud = first.FraudDetectionResult!;
      assert.equal(fraud.Decision, 'LOW_RISK');
      assert.deepEqual(fraud.Reasons, []);
      // No fraudster on the watchlist yet; the caller's own voice is not spoofed.
      assert.equal(fraud.RiskDetails?.KnownFraudsterRisk?.RiskScore, 0);
      assert.equal(fraud.RiskDetails?.KnownFraudsterRisk?.GeneratedFraudsterId, undefined);
      assert.ok(fraud.RiskDetails!.VoiceSpoofingRisk!.RiskScore! < 50);
      assert.match(fraud.FraudDetectionResultId!, RESULT_ID);

      const again = await evaluate(name);
      assert.equal(again.AuthenticationResult!.AuthenticationResultId, auth.AuthenticationResultId);
      assert.equal(
        again.FraudDetectionResult!.FraudDetectionResultId,
        fraud.FraudDetectionResultId,
      );
      // A stricter threshold than the score: a new result, REJECT.
      await sessions.update({
        DomainId: domainId,
        SessionNameOrId: name,
        AuthenticationConfiguration: { AcceptanceThreshold: Math.min(100, auth.Score! + 1) },
      });
      const stricter = await evaluate(name);
      assert.notEqual(
        stricter.AuthenticationResult!.AuthenticationResultId,
        auth.AuthenticationResultId,
      );
      assert.equal(
        stricter.AuthenticationResult!.Decision,
        auth.Score === 100 ? 'ACCEPT' : 'REJECT',
      );
      assert.equal(stricter.AuthenticationResult!.Score, auth.Score);
    });

    test('another voice claiming the same customer is rejected', async () => {
      const name = await twilioCall('cust-0482', VERIFY_0594);
      const auth = (await evaluate(name)).AuthenticationResult!;
      assert.equal(auth.Decision, 'REJECT');
      assert.ok(auth.Score! < 50, `score ${auth.Score}`);
    });

    test('plain mode: PCM at 16 kHz in odd-sized frames; a checkpoint frame as soon as the minimum speech is in', async () => {
      const name = uniqueName('call');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        SpeakerId: 'cust-0482',
        AuthenticationConfiguration: { AcceptanceThreshold: THRESHOLD },
        StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: 5 },
      });
      const before = await evaluate(name);
      assert.equal(before.AuthenticationResult!.Decision, 'NOT_ENOUGH_SPEECH');
      assert.equal(before.FraudDetectionResult!.Decision, 'NOT_ENOUGH_SPEECH');
      assert.equal(before.StreamingStatus, 'PENDING_CONFIGURATION');
      const pcm = muLawWavToPcm16k(VERIFY_0482);
      const socket = await StreamSocket.connect(started.StreamUrl);
      await streamPlain(socket, { encoding: 'pcm16le', sampleRate: 16000, audio: pcm });
      await socket.waitFor((m) => m.event === 'checkpoint' && Number(m.netSpeechSeconds) >= 5);
      const during = await evaluate(name);
      assert.equal(during.StreamingStatus, 'ONGOING');
      assert.equal(during.AuthenticationResult!.Decision, 'ACCEPT');
      assert.equal(socket.messages[0]!.event, 'started');
      await socket.send({ event: 'stop' });
      const closed = await socket.closed;
      assert.equal(closed.code, 1000);
      const stopped = closed.messages.find((m) => m.event === 'stopped');
      assert.ok(Number(stopped?.netSpeechSeconds) > 5);
    });

    test('the decisions without a score: no speaker, a PENDING one, opted out, expired', async () => {
      const none = await twilioCall(undefined, VERIFY_0482);
      assert.equal(
        (await evaluate(none)).AuthenticationResult!.Decision,
        'SPEAKER_ID_NOT_PROVIDED',
      );
      const pending = await twilioCall(uniqueName('new'), VERIFY_0482);
      assert.equal(
        (await evaluate(pending)).AuthenticationResult!.Decision,
        'SPEAKER_NOT_ENROLLED',
      );

      // Enroll a second customer (the other voice), then let three years pass, then opt out.
      const enroll = uniqueName('CA');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: enroll,
        SpeakerId: 'cust-0594',
      });
      const socket = await StreamSocket.connect(started.StreamUrl);
      await streamTwilio(socket, {
        inbound: Buffer.concat([VERIFY_0594, VERIFY_0594]),
        stop: true,
      });
      assert.equal(await sessions.enroll(domainId, enroll), 'COMPLETED');
      const call = await twilioCall('cust-0594', VERIFY_0594);
      assert.equal((await evaluate(call)).AuthenticationResult!.Decision, 'ACCEPT');
      const db = (vid.server as TestApp).app.runtime.storage.db;
      const fourYearsAgo = Date.now() - 4 * 365 * 24 * 3600 * 1000;
      await db
        .updateTable('voiceid_speakers')
        .set({ last_accessed_at: fourYearsAgo, updated_at: fourYearsAgo })
        .where('customer_speaker_id', '=', 'cust-0594')
        .execute();
      assert.equal((await evaluate(call)).AuthenticationResult!.Decision, 'SPEAKER_EXPIRED');
      await vid.client.send(
        new OptOutSpeakerCommand({ DomainId: domainId, SpeakerId: 'cust-0594' }),
      );
      assert.equal((await evaluate(call)).AuthenticationResult!.Decision, 'SPEAKER_OPTED_OUT');
    });

    test('a known fraudster on the watchlist is HIGH_RISK with KNOWN_FRAUDSTER', async () => {
      // Registration is a batch job; here the fraudster's voiceprint is stored directly.
      const app = (vid.server as TestApp).app;
      const domain = await app.runtime.voiceIdStores.domains.getDomain(domainId);
      const model = await (await import('../../src/engines/speaker/index.js')).loadSpeakerModel();
      const { CallAudioDecoder } = await import('../../src/audio/index.js');
      const acc = model.createAccumulator();
      const decoder = new CallAudioDecoder('mulaw', 8000);
      acc.push(decoder.push(VERIFY_0594));
      acc.push(decoder.finish());
      const { voiceprint } = model.enrollStatistics([acc.snapshot()]);
      const fraudsterId = `id#${'F'.repeat(22)}`;
      const record = await app.runtime.voiceDataVault.seal(
        domainId,
        domain!.keyRef,
        fraudsterId,
        'VOICEPRINT',
        voiceprint.serialize(),
      );
      await app.runtime.voiceIdStores.people.insertFraudster(
        domainId,
        fraudsterId,
        domain!.defaultWatchlistId,
        Date.now(),
        [record],
      );
      const call = await twilioCall('cust-0482', VERIFY_0594);
      const fraud = (await evaluate(call)).FraudDetectionResult!;
      assert.equal(fraud.Decision, 'HIGH_RISK');
      assert.deepEqual(fraud.Reasons, ['KNOWN_FRAUDSTER']);
      const honest = await twilioCall('cust-0482', VERIFY_0482);
      assert.equal((await evaluate(honest)).FraudDetectionResult!.Decision, 'LOW_RISK');
    });

    test('synthetic speech (espeak-ng) is HIGH_RISK with VOICE_SPOOFING', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'voxgate-spoof-'));
      const samples: Float32Array[] = [];
      for (const [i, text] of SENTENCES.slice(0, 4).entries())
        samples.push(await speakSamples(VOICES[i % VOICES.length]!, text, dir));
      const pcm = Buffer.alloc(samples.reduce((n, a) => n + a.length, 0) * 2);
      let o = 0;
      for (const part of samples)
        for (const v of part)
          o = pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), o);
      const name = uniqueName('call');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        SpeakerId: 'cust-0482',
        StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: 5 },
      });
      const socket = await StreamSocket.connect(started.StreamUrl);
      await streamPlain(socket, { encoding: 'pcm16le', sampleRate: 16000, audio: pcm });
      await socket.send({ event: 'stop' });
      await socket.closed;
      const fraud = (await evaluate(name)).FraudDetectionResult!;
      assert.equal(fraud.Decision, 'HIGH_RISK');
      assert.ok(fraud.Reasons!.includes('VOICE_SPOOFING'));
      assert.ok(fraud.RiskDetails!.VoiceSpoofingRisk!.RiskScore! >= 50);
    });

    test('a second stream into a running one is ANOTHER_ACTIVE_STREAM, on the socket and on StartSession', async () => {
      const name = uniqueName('CA');
      const started = await sessions.start({ DomainId: domainId, SessionName: name });
      const first = await StreamSocket.connect(started.StreamUrl);
      await first.send({ event: 'start', encoding: 'mulaw', sampleRate: 8000 });
      await first.send(VERIFY_0482.subarray(0, 1600));
      await first.waitFor((m) => m.event === 'started');
      const second = await StreamSocket.connect(started.StreamUrl);
      const refused = await second.closed;
      assert.equal(refused.code, 1008);
      assert.equal(refused.reason, 'ANOTHER_ACTIVE_STREAM');
      assert.deepEqual(refused.messages[0], {
        event: 'error',
        error: {
          name: 'ConflictException',
          message: 'There is already an active audio stream for this session.',
          conflictType: 'ANOTHER_ACTIVE_STREAM',
        },
      });
      assertSessionConflict(
        await sessionRejection(sessions.start({ DomainId: domainId, SessionName: name })),
        'ANOTHER_ACTIVE_STREAM',
        'There is already an active audio stream for this session.',
      );
      await first.send({ event: 'stop' });
      await first.closed;
      // Ended: StartSession gives the call its next stream.
      const next = await sessions.start({ DomainId: domainId, SessionName: name });
      assert.equal(next.Session.StreamingStatus, 'PENDING_CONFIGURATION');
    });

    test('bad tokens, garbage and silence get catalogued errors; the server stays up', async () => {
      const bad = await StreamSocket.connect(
        `${vid.server.url.replace('http', 'ws')}/voiceid/v1/streams/vxv_${'A'.repeat(43)}`,
      );
      const refused = await bad.closed;
      assert.equal(refused.code, 1008);
      assert.equal(refused.reason, 'VoiceIdStreamTokenInvalid');

      const garbage = await sessions.start({ DomainId: domainId, SessionName: uniqueName('CA') });
      const g = await StreamSocket.connect(garbage.StreamUrl);
      await g.send({ event: 'start', encoding: 'mulaw', sampleRate: 8000 });
      g.ws.send('{"event":', { binary: false });
      const closed = await g.closed;
      assert.equal(closed.code, 1003);
      assert.equal(closed.reason, 'VoiceIdStreamMessageInvalid');
      const err = closed.messages.find((m) => m.event === 'error') as {
        error: { message: string };
      };
      assert.match(err.error.message, /^Invalid stream message: /);

      const silentName = uniqueName('CA');
      const silent = await sessions.start({
        DomainId: domainId,
        SessionName: silentName,
        SpeakerId: 'cust-0482',
      });
      const s = await StreamSocket.connect(silent.StreamUrl);
      await streamPlain(s, {
        encoding: 'mulaw',
        sampleRate: 8000,
        audio: Buffer.alloc(8000 * 12, 0xff),
      });
      const idle = await s.closed;
      assert.equal(idle.code, 4408, 'closed after the idle limit');
      assert.equal(idle.reason, 'VoiceIdStreamIdle');
      const result = await evaluate(silentName);
      assert.equal(result.StreamingStatus, 'ENDED');
      assert.equal(result.AuthenticationResult!.Decision, 'NOT_ENOUGH_SPEECH');
      assert.equal(result.AuthenticationResult!.Score, undefined, 'never an invented score');

      // Still answering.
      assert.equal((await sessions.describe(domainId, silentName)).StreamingStatus, 'ENDED');
    });
  });
}

/** µ-law 8 kHz → 16-bit PCM 16 kHz, resampled as a telephony gateway would. */
function muLawWavToPcm16k(mulaw: Buffer): Buffer {
  const to16k = new StreamResampler(8000);
  const samples = [to16k.push(decodeMuLaw(mulaw)), to16k.finish()];
  const total = samples.reduce((n, a) => n + a.length, 0);
  const out = Buffer.alloc(total * 2);
  let o = 0;
  for (const part of samples)
    for (const v of part)
      o = out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), o);
  return out;
}
