import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { StorageDialect } from './dialect/storage-dialect.js';
import { enrollWithin, upsertVoiceDataWithin } from './voiceid-people-repository.js';
import {
  SessionTaken,
  type EnrollmentRequestStatus,
  type NewSession,
  type SessionAudioPurpose,
  type SessionAudioRecord,
  type SessionChange,
  type SessionEnrollment,
  type SessionRecord,
  type SessionResultKind,
  type SessionResultRecord,
  type StreamClaim,
  type StreamingStatus,
  type StreamRestart,
  type VoiceIdSessionsStore,
} from './voiceid-sessions-store.js';

/** Table types of migration 0012; only this repository reads them (see `withTables`). */
interface SessionsTable {
  readonly session_id: string;
  readonly domain_id: string;
  readonly session_name: string;
  readonly generated_speaker_id: string | null;
  readonly acceptance_threshold: number;
  readonly risk_threshold: number;
  readonly watchlist_id: string;
  readonly min_auth_speech_seconds: number;
  readonly config_epoch: number;
  readonly streaming_status: StreamingStatus;
  readonly stream_generation: number;
  readonly stream_token_hash: string | null;
  readonly stream_token_expires_at: number | null;
  readonly stream_owner: string | null;
  readonly stream_started_at: number | null;
  readonly stream_ended_at: number | null;
  readonly enrollment_status: EnrollmentRequestStatus | null;
  readonly enrollment_message: string | null;
  readonly client_token: string | null;
  readonly request_fingerprint: string | null;
  readonly created_at: number;
  readonly updated_at: number;
  readonly version: number;
}

interface SessionAudioTable {
  readonly session_id: string;
  readonly purpose: SessionAudioPurpose;
  readonly stream_generation: number;
  readonly net_speech_ms: number;
  readonly watermark: number;
  readonly aggregation_started_at: number;
  readonly aggregation_ended_at: number;
  readonly spoofing_risk: number | null;
  readonly record_id: string;
  readonly updated_at: number;
}

interface SessionResultsTable {
  readonly session_id: string;
  readonly kind: SessionResultKind;
  readonly cache_key: string;
  readonly result_id: string;
  readonly result: string;
  readonly created_at: number;
}

type SessionTables = {
  readonly voiceid_sessions: SessionsTable;
  readonly voiceid_session_audio: SessionAudioTable;
  readonly voiceid_session_results: SessionResultsTable;
};
type Db = Kysely<Database & SessionTables>;

/**
 * Voice ID sessions, their audio checkpoints and cached results. Caller writes are guarded by
 * the session's version; stream writes by `stream_owner` (and never bump the version).
 */
export class VoiceIdSessionsRepository implements VoiceIdSessionsStore {
  readonly #db: Db;
  readonly #dialect: StorageDialect;

  constructor(dialect: StorageDialect) {
    this.#db = dialect.db.withTables<SessionTables>();
    this.#dialect = dialect;
  }

  async insertSession(session: NewSession): Promise<void> {
    try {
      await this.#db
        .insertInto('voiceid_sessions')
        .values({ ...sessionRow(session), version: 1 })
        .execute();
    } catch (e) {
      if (this.#dialect.isUniqueViolation(e)) throw new SessionTaken();
      throw e;
    }
  }

  async getSession(domainId: string, sessionId: string): Promise<SessionRecord | undefined> {
    const row = await this.sessions()
      .where('session_id', '=', sessionId)
      .where('domain_id', '=', domainId)
      .executeTakeFirst();
    return row && sessionRecord(row);
  }

  async findSessionByName(domainId: string, name: string): Promise<SessionRecord | undefined> {
    const row = await this.sessions()
      .where('domain_id', '=', domainId)
      .where('session_name', '=', name)
      .executeTakeFirst();
    return row && sessionRecord(row);
  }

  async findSessionByClientToken(
    domainId: string,
    token: string,
  ): Promise<SessionRecord | undefined> {
    const row = await this.sessions()
      .where('domain_id', '=', domainId)
      .where('client_token', '=', token)
      .executeTakeFirst();
    return row && sessionRecord(row);
  }

  async countActiveSessions(domainId: string, now: number): Promise<number> {
    const r = await this.#db
      .selectFrom('voiceid_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('domain_id', '=', domainId)
      .where((eb) =>
        eb.or([
          eb('streaming_status', '=', 'ONGOING'),
          eb.and([
            eb('streaming_status', '=', 'PENDING_CONFIGURATION'),
            eb('stream_token_expires_at', '>', now),
          ]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async updateSession(
    sessionId: string,
    expectedVersion: number,
    change: SessionChange,
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_sessions')
      .set({
        ...(change.generatedSpeakerId !== undefined && {
          generated_speaker_id: change.generatedSpeakerId,
        }),
        ...(change.acceptanceThreshold !== undefined && {
          acceptance_threshold: change.acceptanceThreshold,
        }),
        ...(change.riskThreshold !== undefined && { risk_threshold: change.riskThreshold }),
        ...(change.watchlistId !== undefined && { watchlist_id: change.watchlistId }),
        ...(change.minAuthSpeechSeconds !== undefined && {
          min_auth_speech_seconds: change.minAuthSpeechSeconds,
        }),
        ...(change.configEpoch !== undefined && { config_epoch: change.configEpoch }),
        ...(change.enrollment !== undefined && {
          enrollment_status: change.enrollment.status,
          enrollment_message: change.enrollment.message,
        }),
        updated_at: change.updatedAt,
        version: expectedVersion + 1,
      })
      .where('session_id', '=', sessionId)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async restartStream(
    sessionId: string,
    expectedVersion: number,
    restart: StreamRestart,
  ): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_sessions')
      .set({
        streaming_status: 'PENDING_CONFIGURATION',
        stream_generation: restart.streamGeneration,
        stream_token_hash: restart.streamTokenHash,
        stream_token_expires_at: restart.streamTokenExpiresAt,
        stream_owner: null,
        stream_started_at: null,
        stream_ended_at: null,
        updated_at: restart.updatedAt,
        version: expectedVersion + 1,
      })
      .where('session_id', '=', sessionId)
      .where('version', '=', expectedVersion)
      .where('stream_owner', 'is', null)
      .where('streaming_status', 'in', ['PENDING_CONFIGURATION', 'ENDED'])
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async claimStream(tokenHash: string, owner: string, now: number): Promise<StreamClaim> {
    const claimed = await this.#db
      .updateTable('voiceid_sessions')
      .set({ stream_owner: owner })
      .where('stream_token_hash', '=', tokenHash)
      .where('stream_owner', 'is', null)
      .where('streaming_status', '=', 'PENDING_CONFIGURATION')
      .where('stream_token_expires_at', '>', now)
      .executeTakeFirst();
    const row = await this.sessions().where('stream_token_hash', '=', tokenHash).executeTakeFirst();
    if (!row) return { refused: 'unknown-token' };
    const session = sessionRecord(row);
    if (claimed.numUpdatedRows > 0n && session.streamOwner === owner) return { claimed: session };
    if (session.streamingStatus === 'ENDED') return { refused: 'ended' };
    if (session.streamOwner !== null) return { refused: 'active' };
    return { refused: 'expired' };
  }

  async markStreaming(sessionId: string, owner: string, at: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_sessions')
      .set({ streaming_status: 'ONGOING', stream_started_at: at })
      .where('session_id', '=', sessionId)
      .where('stream_owner', '=', owner)
      .where('streaming_status', '=', 'PENDING_CONFIGURATION')
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async endStream(sessionId: string, owner: string, at: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('voiceid_sessions')
      .set({ streaming_status: 'ENDED', stream_owner: null, stream_ended_at: at })
      .where('session_id', '=', sessionId)
      .where('stream_owner', '=', owner)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async endOrphanedStreams(at: number): Promise<number> {
    const r = await this.#db
      .updateTable('voiceid_sessions')
      .set({ streaming_status: 'ENDED', stream_owner: null, stream_ended_at: at })
      .where('stream_owner', 'is not', null)
      .where('stream_owner', 'not in', (eb) =>
        eb.selectFrom('server_instances').select('instance_id'),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async putAudio(owner: string, audio: SessionAudioRecord): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const held = await trx
        .selectFrom('voiceid_sessions')
        .select('session_id')
        .where('session_id', '=', audio.sessionId)
        .where('stream_owner', '=', owner)
        .executeTakeFirst();
      if (!held) return false;
      const earlier = await trx
        .withTables<SessionTables>()
        .selectFrom('voiceid_session_audio')
        .select('record_id')
        .where('session_id', '=', audio.sessionId)
        .where('purpose', '=', audio.purpose)
        .executeTakeFirst();
      await upsertVoiceDataWithin(trx, audio.record);
      const row = {
        stream_generation: audio.streamGeneration,
        net_speech_ms: audio.netSpeechMs,
        watermark: audio.watermark,
        aggregation_started_at: audio.aggregationStartedAt,
        aggregation_ended_at: audio.aggregationEndedAt,
        spoofing_risk: audio.spoofingRisk,
        record_id: audio.record.recordId,
        updated_at: audio.updatedAt,
      };
      await trx
        .withTables<SessionTables>()
        .insertInto('voiceid_session_audio')
        .values({ session_id: audio.sessionId, purpose: audio.purpose, ...row })
        .onConflict((oc) => oc.columns(['session_id', 'purpose']).doUpdateSet(row))
        .execute();
      // A checkpoint replaces the last one: its sealed statistics go with it.
      if (earlier && earlier.record_id !== audio.record.recordId)
        await trx
          .deleteFrom('voiceid_voice_data')
          .where('record_id', '=', earlier.record_id)
          .execute();
      return true;
    });
  }

  async getAudio(
    sessionId: string,
    purpose: SessionAudioPurpose,
  ): Promise<SessionAudioRecord | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_session_audio as a')
      .innerJoin('voiceid_voice_data as v', 'v.record_id', 'a.record_id')
      .selectAll('a')
      .select([
        'v.domain_id',
        'v.owner_id',
        'v.kind',
        'v.key_ref',
        'v.wrapped_key',
        'v.ciphertext',
        'v.created_at',
      ])
      .where('a.session_id', '=', sessionId)
      .where('a.purpose', '=', purpose)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      sessionId: row.session_id,
      purpose: row.purpose,
      streamGeneration: Number(row.stream_generation),
      netSpeechMs: Number(row.net_speech_ms),
      watermark: Number(row.watermark),
      aggregationStartedAt: Number(row.aggregation_started_at),
      aggregationEndedAt: Number(row.aggregation_ended_at),
      spoofingRisk: row.spoofing_risk === null ? null : Number(row.spoofing_risk),
      record: {
        recordId: row.record_id,
        domainId: row.domain_id,
        ownerId: row.owner_id,
        kind: row.kind,
        keyRef: row.key_ref,
        wrappedKey: row.wrapped_key,
        ciphertext: row.ciphertext,
        createdAt: Number(row.created_at),
      },
      updatedAt: Number(row.updated_at),
    };
  }

  async getResult(
    sessionId: string,
    kind: SessionResultKind,
    cacheKey: string,
  ): Promise<SessionResultRecord | undefined> {
    const row = await this.#db
      .selectFrom('voiceid_session_results')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('kind', '=', kind)
      .where('cache_key', '=', cacheKey)
      .executeTakeFirst();
    return row && resultRecord(row);
  }

  async putResult(result: SessionResultRecord): Promise<SessionResultRecord> {
    try {
      await this.#db
        .insertInto('voiceid_session_results')
        .values({
          session_id: result.sessionId,
          kind: result.kind,
          cache_key: result.cacheKey,
          result_id: result.resultId,
          result: JSON.stringify(result.result),
          created_at: result.createdAt,
        })
        .execute();
      return result;
    } catch (e) {
      if (!this.#dialect.isUniqueViolation(e)) throw e;
      const first = await this.getResult(result.sessionId, result.kind, result.cacheKey);
      if (!first) throw e;
      return first;
    }
  }

  async completeEnrollment(
    sessionId: string,
    expectedVersion: number,
    enrollment: SessionEnrollment,
  ): Promise<'completed' | 'stale' | 'opted-out' | 'speaker-gone'> {
    return this.#db.transaction().execute(async (trx) => {
      const speaker = await trx
        .selectFrom('voiceid_speakers')
        .select(['status', 'domain_id'])
        .where('generated_id', '=', enrollment.generatedSpeakerId)
        .executeTakeFirst();
      if (!speaker) return 'speaker-gone' as const;
      if (speaker.status === 'OPTED_OUT') return 'opted-out' as const;
      const session = await trx
        .updateTable('voiceid_sessions')
        .set({
          enrollment_status: 'COMPLETED',
          enrollment_message: null,
          updated_at: enrollment.at,
          version: expectedVersion + 1,
        })
        .where('session_id', '=', sessionId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (session.numUpdatedRows === 0n) return 'stale' as const;
      await enrollWithin(trx, enrollment.generatedSpeakerId, enrollment.voiceprint, enrollment.at);
      return 'completed' as const;
    });
  }

  private sessions() {
    return this.#db.selectFrom('voiceid_sessions').selectAll();
  }
}

function sessionRow(s: NewSession) {
  return {
    session_id: s.sessionId,
    domain_id: s.domainId,
    session_name: s.sessionName,
    generated_speaker_id: s.generatedSpeakerId,
    acceptance_threshold: s.acceptanceThreshold,
    risk_threshold: s.riskThreshold,
    watchlist_id: s.watchlistId,
    min_auth_speech_seconds: s.minAuthSpeechSeconds,
    config_epoch: s.configEpoch,
    streaming_status: s.streamingStatus,
    stream_generation: s.streamGeneration,
    stream_token_hash: s.streamTokenHash,
    stream_token_expires_at: s.streamTokenExpiresAt,
    stream_owner: s.streamOwner,
    stream_started_at: s.streamStartedAt,
    stream_ended_at: s.streamEndedAt,
    enrollment_status: s.enrollment?.status ?? null,
    enrollment_message: s.enrollment?.message ?? null,
    client_token: s.clientToken,
    request_fingerprint: s.requestFingerprint,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function sessionRecord(r: SessionsTable): SessionRecord {
  return {
    sessionId: r.session_id,
    domainId: r.domain_id,
    sessionName: r.session_name,
    generatedSpeakerId: r.generated_speaker_id,
    acceptanceThreshold: Number(r.acceptance_threshold),
    riskThreshold: Number(r.risk_threshold),
    watchlistId: r.watchlist_id,
    minAuthSpeechSeconds: Number(r.min_auth_speech_seconds),
    configEpoch: Number(r.config_epoch),
    streamingStatus: r.streaming_status,
    streamGeneration: Number(r.stream_generation),
    streamTokenHash: r.stream_token_hash,
    streamTokenExpiresAt: num(r.stream_token_expires_at),
    streamOwner: r.stream_owner,
    streamStartedAt: num(r.stream_started_at),
    streamEndedAt: num(r.stream_ended_at),
    enrollment:
      r.enrollment_status === null
        ? null
        : { status: r.enrollment_status, message: r.enrollment_message },
    clientToken: r.client_token,
    requestFingerprint: r.request_fingerprint,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function resultRecord(r: SessionResultsTable): SessionResultRecord {
  return {
    sessionId: r.session_id,
    kind: r.kind,
    cacheKey: r.cache_key,
    resultId: r.result_id,
    result: JSON.parse(r.result) as object,
    createdAt: Number(r.created_at),
  };
}
