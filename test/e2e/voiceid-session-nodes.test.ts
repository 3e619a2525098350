/**
 * Voice ID sessions across nodes on one PostgreSQL: the call's stream arrives at node A (a real
 * `voxgate serve` process), EvaluateSession at node B, and B answers from A's checkpoints while
 * the call runs. A is then killed (kill -9) mid-call: what it had checkpointed survives, B's
 * orphan sweep ends the stream, and the call's next stream can go to B.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { EvaluateSessionCommand } from '@aws-sdk/client-voice-id';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  HOOK_TIMEOUT,
  RACE_TIMEOUT,
  createDomain,
  createKey,
  startVoiceIdServer,
  uniqueName,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import { VoiceIdSessionsClient } from '../support/voiceid-sessions-client.js';
import { StreamSocket, streamPlain, streamTwilio, wavData } from '../support/call-stream-client.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/voiceid/${name}.wav`, import.meta.url));
const ENROLLMENT_ARGS = ['--voiceid-enrollment-speech-seconds', '20'];

const postgres = testDatabaseKinds().includes('postgres');

describe(
  'Voice ID sessions on two nodes sharing PostgreSQL',
  { skip: !postgres && 'needs VOXGATE_TEST_POSTGRES_URL', timeout: RACE_TIMEOUT },
  () => {
    let a: VoiceIdServer;
    let b: VoiceIdServer;
    let domainId: string;

    before(
      async () => {
        a = await startVoiceIdServer('postgres', ENROLLMENT_ARGS, undefined, { process: true });
        b = await startVoiceIdServer('postgres', ENROLLMENT_ARGS, a.server.database);
        const key = await createKey(a.server);
        domainId = (await createDomain(a.client, key.Alias)).DomainId;
      },
      { timeout: HOOK_TIMEOUT },
    );
    after(
      async () => {
        await b.server.stop();
        await a.server.stopAndDrop();
      },
      { timeout: HOOK_TIMEOUT },
    );

    test('stream at A, EvaluateSession at B during the call; kill -9 A; the call goes on at B', async () => {
      const atA = new VoiceIdSessionsClient(a.server.url, a.creds);
      const atB = new VoiceIdSessionsClient(b.server.url, b.creds);

      // Enrollment through A.
      const first = uniqueName('CA');
      const started = await atA.start({ DomainId: domainId, SessionName: first, SpeakerId: 'c1' });
      await atA.enroll(domainId, first);
      const enrolling = await StreamSocket.connect(started.StreamUrl);
      assert.equal(
        (await streamTwilio(enrolling, { inbound: wavData(fixture('0482-enroll')) })).code,
        1000,
      );
      assert.equal(
        (await atB.describe(domainId, first)).EnrollmentRequestDetails?.Status,
        'COMPLETED',
      );

      // A second call streams to A and stays open; B evaluates it.
      const call = uniqueName('CA');
      // Accepting at 60: see voiceid-session-calls.test.ts on the fixtures' scores.
      const second = await atB.start({
        DomainId: domainId,
        SessionName: call,
        SpeakerId: 'c1',
        AuthenticationConfiguration: { AcceptanceThreshold: 60 },
      });
      const streamUrlAtA = second.StreamUrl.replace(
        new URL(b.server.url).host,
        new URL(a.server.url).host,
      );
      const socket = await StreamSocket.connect(streamUrlAtA);
      await streamPlain(socket, {
        encoding: 'mulaw',
        sampleRate: 8000,
        audio: wavData(fixture('0482-verify')),
        frameBytes: 160,
      });
      await socket.waitFor((m) => m.event === 'checkpoint' && Number(m.netSpeechSeconds) >= 10);
      const during = await b.client.send(
        new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: call }),
      );
      assert.equal(during.StreamingStatus, 'ONGOING');
      assert.equal(
        during.AuthenticationResult?.Decision,
        'ACCEPT',
        JSON.stringify(during.AuthenticationResult),
      );

      // kill -9 A mid-call: the checkpoint stays, B's sweep ends the stream.
      await a.server.stop('SIGKILL');
      let status = 'ONGOING';
      for (let i = 0; i < 60 && status !== 'ENDED'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = (await atB.describe(domainId, call)).StreamingStatus;
      }
      assert.equal(status, 'ENDED', 'the orphaned stream was ended by the other node');
      const after = await b.client.send(
        new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: call }),
      );
      assert.equal(after.AuthenticationResult?.Decision, 'ACCEPT');
      assert.equal(
        after.AuthenticationResult?.AuthenticationResultId,
        during.AuthenticationResult?.AuthenticationResultId,
        'nothing changed: the same result',
      );

      // The call's next stream, at B.
      const next = await atB.start({ DomainId: domainId, SessionName: call });
      const again = await StreamSocket.connect(next.StreamUrl);
      assert.equal(
        (await streamTwilio(again, { inbound: wavData(fixture('0594-verify')) })).code,
        1000,
      );
      const other = await b.client.send(
        new EvaluateSessionCommand({ DomainId: domainId, SessionNameOrId: call }),
      );
      assert.equal(other.AuthenticationResult?.Decision, 'REJECT', 'the new stream is evaluated');
    });
  },
);
