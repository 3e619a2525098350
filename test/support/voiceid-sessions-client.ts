/**
 * A client for Voxgate's Voice ID session operations (StartSession, UpdateSession,
 * EnrollBySession, DescribeSession: extensions/voiceid-sessions.json), which the official SDK
 * does not have: SigV4-signed AWS JSON 1.0 requests with the SDK's own signer, errors parsed
 * as the SDKs parse them (`__type`, message, ConflictType / ResourceType members).
 */
import assert from 'node:assert/strict';
import type { ClientCredentials } from './aws-clients.js';
import { signedFetch } from './signed-fetch.js';

export type SessionOperation =
  'StartSession' | 'UpdateSession' | 'EnrollBySession' | 'DescribeSession';

export interface SessionWire {
  DomainId: string;
  SessionId: string;
  SessionName: string;
  CustomerSpeakerId?: string;
  GeneratedSpeakerId?: string;
  StreamingStatus: 'PENDING_CONFIGURATION' | 'ONGOING' | 'ENDED';
  AuthenticationConfiguration: { AcceptanceThreshold: number };
  FraudDetectionConfiguration: { RiskThreshold: number; WatchlistId: string };
  StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: number };
  EnrollmentRequestDetails?: { Status: string; Message?: string };
  CreatedAt: number;
  UpdatedAt: number;
}

export interface StartSessionOutput {
  Session: SessionWire;
  StreamUrl: string;
  StreamUrlExpiresAt: number;
}

/** What a failed call answered. */
export class SessionCallError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
  get conflictType(): unknown {
    return this.body.ConflictType;
  }
  get resourceType(): unknown {
    return this.body.ResourceType;
  }
}

export class VoiceIdSessionsClient {
  constructor(
    readonly baseUrl: string,
    readonly credentials: ClientCredentials,
  ) {}

  async call<T = Record<string, unknown>>(
    operation: SessionOperation | 'EvaluateSession',
    input: Record<string, unknown>,
  ): Promise<T> {
    const res = await signedFetch(this.baseUrl, this.credentials, {
      target: `VoiceID.${operation}`,
      contentType: 'application/x-amz-json-1.0',
      service: 'voiceid',
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) {
      const type = String(body.__type ?? res.headers.get('x-amzn-errortype') ?? '')
        .split('#')
        .pop()!;
      throw new SessionCallError(
        res.status,
        type,
        String(body.message ?? body.Message ?? ''),
        body,
      );
    }
    return body as T;
  }

  start(input: Record<string, unknown>): Promise<StartSessionOutput> {
    return this.call<StartSessionOutput>('StartSession', input);
  }

  async update(input: Record<string, unknown>): Promise<SessionWire> {
    return (await this.call<{ Session: SessionWire }>('UpdateSession', input)).Session;
  }

  async enroll(domainId: string, sessionNameOrId: string): Promise<string> {
    const out = await this.call<{ Status: string }>('EnrollBySession', {
      DomainId: domainId,
      SessionNameOrId: sessionNameOrId,
    });
    return out.Status;
  }

  async describe(domainId: string, sessionNameOrId: string): Promise<SessionWire> {
    const out = await this.call<{ Session: SessionWire }>('DescribeSession', {
      DomainId: domainId,
      SessionNameOrId: sessionNameOrId,
    });
    return out.Session;
  }
}

/** Awaits a call that must fail and returns what it answered. */
export async function sessionRejection(promise: Promise<unknown>): Promise<SessionCallError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof SessionCallError, `expected a service error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

export function assertSessionConflict(e: SessionCallError, type: string, message?: string): void {
  assert.equal(e.type, 'ConflictException', `${e.type}: ${e.message}`);
  assert.equal(e.status, 409);
  assert.equal(e.conflictType, type, e.message);
  if (message !== undefined) assert.equal(e.message, message);
}
