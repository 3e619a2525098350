import type {
  AuthenticationOutcome,
  FraudOutcome,
  SessionEvaluation,
  SessionSettingsInput,
  SessionView,
  VoiceIdSessionEvaluator,
  VoiceIdSessions,
} from '../../../voiceid/index.js';
import type { AwsCallContext, AwsHandlers } from '../aws-service.js';
import type * as model from '../generated/voiceid-model.js';

/** Where a session's stream goes: the WebSocket door of the Voice ID sessions. */
export const STREAM_PATH = '/voiceid/v1/streams';

const seconds = (d: Date): number => d.getTime() / 1000;

export function sessionToWire(s: SessionView): model.Session {
  return {
    DomainId: s.domainId,
    SessionId: s.sessionId,
    SessionName: s.sessionName,
    CustomerSpeakerId: s.customerSpeakerId,
    GeneratedSpeakerId: s.generatedSpeakerId,
    StreamingStatus: s.streamingStatus,
    AuthenticationConfiguration: { AcceptanceThreshold: s.acceptanceThreshold },
    FraudDetectionConfiguration: { RiskThreshold: s.riskThreshold, WatchlistId: s.watchlistId },
    StreamingConfiguration: { AuthenticationMinimumSpeechInSeconds: s.minAuthSpeechSeconds },
    EnrollmentRequestDetails: s.enrollment && {
      Status: s.enrollment.status,
      Message: s.enrollment.message,
    },
    CreatedAt: seconds(s.createdAt),
    UpdatedAt: seconds(s.updatedAt),
  };
}

const optionalSeconds = (d: Date | undefined): number | undefined =>
  d === undefined ? undefined : seconds(d);

function authenticationToWire(a: AuthenticationOutcome): model.AuthenticationResult {
  return {
    AuthenticationResultId: a.resultId,
    AudioAggregationStartedAt: optionalSeconds(a.aggregationStartedAt),
    AudioAggregationEndedAt: optionalSeconds(a.aggregationEndedAt),
    CustomerSpeakerId: a.customerSpeakerId,
    GeneratedSpeakerId: a.generatedSpeakerId,
    Decision: a.decision,
    Score: a.score,
    Configuration: { AcceptanceThreshold: a.acceptanceThreshold },
  };
}

function fraudToWire(f: FraudOutcome): model.FraudDetectionResult {
  return {
    FraudDetectionResultId: f.resultId,
    AudioAggregationStartedAt: optionalSeconds(f.aggregationStartedAt),
    AudioAggregationEndedAt: optionalSeconds(f.aggregationEndedAt),
    Configuration: { RiskThreshold: f.riskThreshold, WatchlistId: f.watchlistId },
    Decision: f.decision,
    Reasons: f.reasons,
    // FraudRiskDetails has both members required: present once both were measured.
    RiskDetails:
      f.knownFraudsterRisk && f.voiceSpoofingRisk
        ? {
            KnownFraudsterRisk: {
              RiskScore: f.knownFraudsterRisk.riskScore,
              GeneratedFraudsterId: f.knownFraudsterRisk.generatedFraudsterId,
            },
            VoiceSpoofingRisk: { RiskScore: f.voiceSpoofingRisk.riskScore },
          }
        : undefined,
  };
}

export function evaluationToWire(e: SessionEvaluation): model.EvaluateSessionResponse {
  return {
    DomainId: e.domainId,
    SessionId: e.sessionId,
    SessionName: e.sessionName,
    StreamingStatus: e.streamingStatus,
    AuthenticationResult: authenticationToWire(e.authentication),
    FraudDetectionResult: fraudToWire(e.fraudDetection),
  };
}

function settingsFromWire(input: {
  SpeakerId?: string;
  AuthenticationConfiguration?: model.AuthenticationConfiguration;
  FraudDetectionConfiguration?: model.FraudDetectionConfiguration;
  StreamingConfiguration?: model.StreamingConfiguration;
}): SessionSettingsInput {
  return {
    speakerId: input.SpeakerId,
    acceptanceThreshold: input.AuthenticationConfiguration?.AcceptanceThreshold,
    riskThreshold: input.FraudDetectionConfiguration?.RiskThreshold,
    watchlistId: input.FraudDetectionConfiguration?.WatchlistId,
    minAuthSpeechSeconds: input.StreamingConfiguration?.AuthenticationMinimumSpeechInSeconds,
  };
}

/**
 * The stream URL of a token: under `publicUrl` when the server is configured with one (behind
 * a proxy), else at the address the caller reached, http → ws and https → wss.
 */
export function streamUrl(
  token: string,
  ctx: AwsCallContext,
  publicUrl: string | undefined,
): string {
  const base = (publicUrl ?? ctx.origin.replace(/^http/, 'ws')).replace(/\/+$/, '');
  return `${base}${STREAM_PATH}/${token}`;
}

/**
 * Voxgate's session operations on the Voice ID door (extensions/voiceid-sessions.json):
 * StartSession, UpdateSession, EnrollBySession, DescribeSession.
 */
export function sessionHandlers(
  sessions: VoiceIdSessions,
  evaluator: VoiceIdSessionEvaluator,
  publicStreamUrl: string | undefined,
): AwsHandlers<model.OperationTypes> {
  return {
    EvaluateSession: async (input) =>
      evaluationToWire(await evaluator.evaluate(input.DomainId, input.SessionNameOrId)),
    StartSession: async (input, ctx) => {
      const started = await sessions.start(input.DomainId, input.SessionName, {
        ...settingsFromWire(input),
        clientToken: input.ClientToken,
      });
      return {
        Session: sessionToWire(started.session),
        StreamUrl: streamUrl(started.streamToken, ctx, publicStreamUrl),
        StreamUrlExpiresAt: seconds(started.streamTokenExpiresAt),
      };
    },
    UpdateSession: async (input) => ({
      Session: sessionToWire(
        await sessions.update(input.DomainId, input.SessionNameOrId, settingsFromWire(input)),
      ),
    }),
    EnrollBySession: async (input) => ({
      Status: await sessions.enroll(input.DomainId, input.SessionNameOrId),
    }),
    DescribeSession: async (input) => ({
      Session: sessionToWire(await sessions.describe(input.DomainId, input.SessionNameOrId)),
    }),
  };
}
