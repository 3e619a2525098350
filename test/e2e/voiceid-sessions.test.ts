/**
 * Voice ID sessions through the door, as Amazon Connect drove them (docs/voiceid.md
 * "Sessions"): StartSession, UpdateSession, EnrollBySession and DescribeSession as signed AWS
 * JSON calls, speakers and watchlists through the official SDK. Defaults, PENDING speakers,
 * the ConflictTypes of sessions with the seed's messages, ClientToken idempotency and the
 * active-session quota. The audio side (streams, EvaluateSession) is voiceid-session-calls.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateWatchlistCommand,
  DescribeSpeakerCommand,
  OptOutSpeakerCommand,
} from '@aws-sdk/client-voice-id';
import { testDatabaseKinds } from '../support/test-databases.js';
import {
  HOOK_TIMEOUT,
  TEST_TIMEOUT,
  clientToken,
  createDomain,
  createKey,
  disableKey,
  enableKey,
  randomUniqueId,
  startVoiceIdServer,
  uniqueName,
  type VoiceIdServer,
} from '../support/voiceid-fixtures.js';
import {
  VoiceIdSessionsClient,
  assertSessionConflict,
  sessionRejection,
} from '../support/voiceid-sessions-client.js';

const SESSION_ID = /^id#[a-zA-Z0-9]{22}$/;

for (const kind of testDatabaseKinds()) {
  describe(`Voice ID sessions: the control calls (${kind})`, { timeout: TEST_TIMEOUT }, () => {
    let vid: VoiceIdServer;
    let sessions: VoiceIdSessionsClient;
    let domainId: string;
    let defaultWatchlistId: string;
    let keyAlias: string;

    before(
      async () => {
        vid = await startVoiceIdServer(kind, ['--voiceid-max-active-sessions', '6']);
        sessions = new VoiceIdSessionsClient(vid.server.url, vid.creds);
        const key = await createKey(vid.server);
        keyAlias = key.Alias;
      },
      { timeout: HOOK_TIMEOUT },
    );
    // A domain per test: the active-session quota (6 here) counts per domain.
    beforeEach(async () => {
      const domain = await createDomain(vid.client, keyAlias);
      domainId = domain.DomainId;
      defaultWatchlistId = domain.WatchlistDetails!.DefaultWatchlistId!;
    });
    after(async () => vid.server.stopAndDrop(), { timeout: HOOK_TIMEOUT });

    const call = () => uniqueName('call');

    test('StartSession answers the session with Connect defaults and a one-time stream URL', async () => {
      const name = call();
      const started = await sessions.start({ DomainId: domainId, SessionName: name });
      const s = started.Session;
      assert.match(s.SessionId, SESSION_ID);
      assert.equal(s.SessionName, name);
      assert.equal(s.DomainId, domainId);
      assert.equal(s.StreamingStatus, 'PENDING_CONFIGURATION');
      assert.deepEqual(s.AuthenticationConfiguration, { AcceptanceThreshold: 90 });
      assert.deepEqual(s.FraudDetectionConfiguration, {
        RiskThreshold: 50,
        WatchlistId: defaultWatchlistId,
      });
      assert.deepEqual(s.StreamingConfiguration, { AuthenticationMinimumSpeechInSeconds: 10 });
      assert.equal(s.GeneratedSpeakerId, undefined);
      assert.equal(s.EnrollmentRequestDetails, undefined);
      const url = new URL(started.StreamUrl);
      assert.equal(url.protocol, 'ws:');
      assert.equal(url.host, new URL(vid.server.url).host);
      assert.match(url.pathname, /^\/voiceid\/v1\/streams\/vxv_[A-Za-z0-9_-]{43}$/);
      const ttl = started.StreamUrlExpiresAt - Date.now() / 1000;
      assert.ok(ttl > 290 && ttl <= 301, `stream URL lives ~300 s, got ${ttl}`);
      assert.deepEqual(await sessions.describe(domainId, name), s);
      assert.deepEqual(await sessions.describe(domainId, s.SessionId), s);
    });

    test('a new SpeakerId creates a PENDING speaker; its ids show on the session', async () => {
      const customer = uniqueName('caller');
      const started = await sessions.start({
        DomainId: domainId,
        SessionName: call(),
        SpeakerId: customer,
        AuthenticationConfiguration: { AcceptanceThreshold: 75 },
        FraudDetectionConfiguration: { RiskThreshold: 30 },
        StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: 5 },
      });
      const s = started.Session;
      assert.equal(s.CustomerSpeakerId, customer);
      assert.match(s.GeneratedSpeakerId!, SESSION_ID);
      assert.equal(s.AuthenticationConfiguration.AcceptanceThreshold, 75);
      assert.equal(s.FraudDetectionConfiguration.RiskThreshold, 30);
      assert.equal(s.StreamingConfiguration.AuthenticationMinimumSpeechInSeconds, 5);
      const speaker = await vid.client.send(
        new DescribeSpeakerCommand({ DomainId: domainId, SpeakerId: customer }),
      );
      assert.equal(speaker.Speaker?.Status, 'PENDING');
      assert.equal(speaker.Speaker?.GeneratedSpeakerId, s.GeneratedSpeakerId);
      // The generated id names the same speaker: no second one.
      const again = await sessions.update({
        DomainId: domainId,
        SessionNameOrId: s.SessionId,
        SpeakerId: s.GeneratedSpeakerId,
      });
      assert.equal(again.GeneratedSpeakerId, s.GeneratedSpeakerId);
      assert.equal(again.UpdatedAt, s.UpdatedAt, 'nothing changed');
    });

    test('UpdateSession changes what it names and keeps the rest', async () => {
      const name = call();
      const { Session: s } = await sessions.start({ DomainId: domainId, SessionName: name });
      const list = await vid.client.send(
        new CreateWatchlistCommand({ DomainId: domainId, Name: uniqueName('list') }),
      );
      const updated = await sessions.update({
        DomainId: domainId,
        SessionNameOrId: name,
        FraudDetectionConfiguration: { WatchlistId: list.Watchlist!.WatchlistId },
        StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: 8 },
      });
      assert.deepEqual(updated.FraudDetectionConfiguration, {
        RiskThreshold: 50,
        WatchlistId: list.Watchlist!.WatchlistId,
      });
      assert.equal(updated.StreamingConfiguration.AuthenticationMinimumSpeechInSeconds, 8);
      assert.equal(updated.AuthenticationConfiguration.AcceptanceThreshold, 90);
      assert.ok(updated.UpdatedAt >= s.UpdatedAt);
    });

    test('bad input is a ValidationException or a ResourceNotFoundException naming what', async () => {
      for (const minimum of [4, 11]) {
        const e = await sessionRejection(
          sessions.start({
            DomainId: domainId,
            SessionName: call(),
            StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: minimum },
          }),
        );
        assert.equal(e.type, 'ValidationException', e.message);
        assert.match(e.message, /authenticationMinimumSpeechInSeconds/i);
      }
      const badName = await sessionRejection(
        sessions.start({ DomainId: domainId, SessionName: 'no spaces allowed' }),
      );
      assert.equal(badName.type, 'ValidationException');
      const threshold = await sessionRejection(
        sessions.start({
          DomainId: domainId,
          SessionName: call(),
          AuthenticationConfiguration: { AcceptanceThreshold: 101 },
        }),
      );
      assert.equal(threshold.type, 'ValidationException');

      const list = await sessionRejection(
        sessions.start({
          DomainId: domainId,
          SessionName: call(),
          FraudDetectionConfiguration: { WatchlistId: randomUniqueId() },
        }),
      );
      assert.equal(list.type, 'ResourceNotFoundException');
      assert.equal(list.resourceType, 'WATCHLIST');
      const session = await sessionRejection(sessions.describe(domainId, 'never-started'));
      assert.equal(session.status, 404);
      assert.equal(session.resourceType, 'SESSION');
      assert.equal(session.message, 'Session never-started does not exist');
      const speaker = await sessionRejection(
        sessions.start({
          DomainId: domainId,
          SessionName: call(),
          SpeakerId: `id#${randomUniqueId()}`,
        }),
      );
      assert.equal(speaker.resourceType, 'SPEAKER');
      const domain = await sessionRejection(
        sessions.start({ DomainId: randomUniqueId(), SessionName: call() }),
      );
      assert.equal(domain.resourceType, 'DOMAIN');
    });

    test('EnrollBySession: SPEAKER_NOT_SET, then NOT_ENOUGH_SPEECH, then ENROLLMENT_ALREADY_EXISTS', async () => {
      const name = call();
      await sessions.start({ DomainId: domainId, SessionName: name });
      assertSessionConflict(
        await sessionRejection(sessions.enroll(domainId, name)),
        'SPEAKER_NOT_SET',
        'You must set the speaker ID before requesting an enrollment.',
      );
      await sessions.update({
        DomainId: domainId,
        SessionNameOrId: name,
        SpeakerId: uniqueName('c'),
      });
      assert.equal(await sessions.enroll(domainId, name), 'NOT_ENOUGH_SPEECH');
      const s = await sessions.describe(domainId, name);
      assert.deepEqual(s.EnrollmentRequestDetails, { Status: 'NOT_ENOUGH_SPEECH' });
      assertSessionConflict(
        await sessionRejection(sessions.enroll(domainId, name)),
        'ENROLLMENT_ALREADY_EXISTS',
        'There is already an enrollment for this session.',
      );
    });

    test('after an enrollment request the speaker cannot change (the same one can be set again)', async () => {
      const name = call();
      const customer = uniqueName('c');
      const { Session: s } = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        SpeakerId: customer,
      });
      await sessions.enroll(domainId, name);
      assertSessionConflict(
        await sessionRejection(
          sessions.update({
            DomainId: domainId,
            SessionNameOrId: name,
            SpeakerId: uniqueName('c'),
          }),
        ),
        'CANNOT_CHANGE_SPEAKER_AFTER_ENROLLMENT',
        'You cannot change the speaker ID after an enrollment has been requested.',
      );
      const same = await sessions.update({
        DomainId: domainId,
        SessionNameOrId: name,
        SpeakerId: customer,
        AuthenticationConfiguration: { AcceptanceThreshold: 80 },
      });
      assert.equal(same.GeneratedSpeakerId, s.GeneratedSpeakerId);
      assert.equal(same.AuthenticationConfiguration.AcceptanceThreshold, 80);
    });

    test('an opted-out speaker cannot be enrolled: SPEAKER_OPTED_OUT', async () => {
      const name = call();
      const customer = uniqueName('c');
      await sessions.start({ DomainId: domainId, SessionName: name, SpeakerId: customer });
      await vid.client.send(new OptOutSpeakerCommand({ DomainId: domainId, SpeakerId: customer }));
      assertSessionConflict(
        await sessionRejection(sessions.enroll(domainId, name)),
        'SPEAKER_OPTED_OUT',
        'You cannot request an enrollment for an opted out speaker.',
      );
      assert.equal((await sessions.describe(domainId, name)).EnrollmentRequestDetails, undefined);
    });

    test('racing UpdateSession calls: each succeeds or is CONCURRENT_CHANGES, never lost silently', async () => {
      const name = call();
      await sessions.start({ DomainId: domainId, SessionName: name });
      let conflicts = 0;
      for (let round = 0; round < 20 && conflicts === 0; round++) {
        const settled = await Promise.allSettled(
          Array.from({ length: 24 }, (_, i) =>
            sessions.update({
              DomainId: domainId,
              SessionNameOrId: name,
              AuthenticationConfiguration: { AcceptanceThreshold: 1 + ((round * 24 + i) % 99) },
            }),
          ),
        );
        for (const r of settled) {
          if (r.status === 'fulfilled') continue;
          assertSessionConflict(
            r.reason as never,
            'CONCURRENT_CHANGES',
            'The request could not be processed as the resource was modified by another request during execution.',
          );
          conflicts++;
        }
        const final = await sessions.describe(domainId, name);
        const winners = settled
          .map((r, i) => (r.status === 'fulfilled' ? 1 + ((round * 24 + i) % 99) : undefined))
          .filter((v) => v !== undefined);
        assert.ok(
          winners.includes(final.AuthenticationConfiguration.AcceptanceThreshold),
          'the stored threshold is one a caller was told was written',
        );
      }
      // SQLite's one connection runs each request's read and write back to back here, so only
      // PostgreSQL's pool produces real overlaps to prove the conflict path on.
      if (kind === 'postgres')
        assert.ok(conflicts > 0, 'concurrent updates of one session conflict');
    });

    test('StartSession with a ClientToken is idempotent; different parameters are refused', async () => {
      const name = call();
      const token = clientToken();
      const first = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        ClientToken: token,
      });
      const again = await sessions.start({
        DomainId: domainId,
        SessionName: name,
        ClientToken: token,
      });
      assert.equal(again.Session.SessionId, first.Session.SessionId);
      assert.notEqual(
        again.StreamUrl,
        first.StreamUrl,
        'a fresh URL while the stream has not started',
      );
      const other = await sessionRejection(
        sessions.start({ DomainId: domainId, SessionName: call(), ClientToken: token }),
      );
      assert.equal(other.type, 'ValidationException');
      assert.match(other.message, /ClientToken .* different parameters/);
      // Without a token, StartSession for the same call is the same session too.
      const byName = await sessions.start({ DomainId: domainId, SessionName: name });
      assert.equal(byName.Session.SessionId, first.Session.SessionId);
    });

    test('DOMAIN_NOT_ACTIVE while the domain key is disabled', async () => {
      const name = call();
      await sessions.start({ DomainId: domainId, SessionName: name });
      await disableKey(vid.server, keyAlias);
      try {
        for (const attempt of [
          () => sessions.start({ DomainId: domainId, SessionName: call() }),
          () => sessions.describe(domainId, name),
          () => sessions.update({ DomainId: domainId, SessionNameOrId: name }),
          () => sessions.enroll(domainId, name),
        ])
          assertSessionConflict(
            await sessionRejection(attempt()),
            'DOMAIN_NOT_ACTIVE',
            'The domain is not active.',
          );
      } finally {
        await enableKey(vid.server, keyAlias);
      }
    });

    test('the active-session quota: ServiceQuotaExceededException beyond it', async () => {
      const key = await createKey(vid.server);
      const domain = await createDomain(vid.client, key.Alias);
      for (let i = 0; i < 6; i++)
        await sessions.start({ DomainId: domain.DomainId, SessionName: call() });
      const e = await sessionRejection(
        sessions.start({ DomainId: domain.DomainId, SessionName: call() }),
      );
      assert.equal(e.type, 'ServiceQuotaExceededException');
      assert.equal(e.status, 402);
      assert.match(e.message, /concurrent active sessions per domain quota of 6/);
    });
  });
}
