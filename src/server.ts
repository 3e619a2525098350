/**
 * The HTTP server: every front door Voxgate exposes is registered here, in one place.
 *
 *   POST /             AWS JSON: Identity Store (AWSIdentityStore.*) and Voice ID (VoiceID.*)
 *   /admin/v1/*        admin API (admin token)
 *   /api/v2/*          speech API, scripted (session tokens; multipart and WebSocket)
 *   GET /health, /ready, /metrics
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AccessKeys, AdminToken } from './credentials/index.js';
import type { IdentityStore } from './identitystore/index.js';
import type { SpeechAccounts } from './speech/accounts/index.js';
import { catalog, voxError } from './errors/index.js';
import { adminDoor } from './protocols/admin/admin-door.js';
import { awsJsonDoor, type AwsService } from './protocols/aws-json/index.js';
import { plainErrorHandler, sendPlainError } from './protocols/http/render-plain-error.js';
import type { RequestLabels } from './protocols/http/request-labels.js';
import { ServerMetrics } from './protocols/ops/metrics.js';
import { opsDoor, type ReadinessCheck } from './protocols/ops/ops-door.js';
import { registerWebSockets } from './protocols/http/websocket-support.js';
import { speechDoor, type SpeechDoorOptions } from './protocols/speech/speech-door.js';
import { speechMaxMessageBytes } from './protocols/speech/speech-websocket.js';
import {
  voiceIdStreamDoor,
  type VoiceIdStreamDoorOptions,
} from './protocols/voiceid-stream/index.js';

export interface ServerDeps {
  readonly logger: FastifyBaseLogger;
  readonly accessKeys: AccessKeys;
  readonly adminToken: AdminToken;
  readonly identityStore: IdentityStore;
  readonly speechAccounts: SpeechAccounts;
  /** The speech API; null leaves its routes out (servers built without engines). */
  readonly speech: Omit<SpeechDoorOptions, 'accounts'> | null;
  readonly awsServices: readonly AwsService[];
  /** The call streams of Voice ID sessions; null leaves the door out. */
  readonly voiceIdStreams: VoiceIdStreamDoorOptions | null;
  readonly readiness: readonly ReadinessCheck[];
  readonly limits: {
    readonly maxAwsBodyBytes: number;
    readonly maxAdminBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly socketIdleTimeoutMs: number;
    readonly sigv4ClockSkewSeconds: number;
  };
}

/** The largest WebSocket message when no door asks for more (1 MiB). */
const DEFAULT_WEBSOCKET_MAX_PAYLOAD = 1 << 20;

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: () => randomUUID(),
    // Never trust a client-chosen request id: it names log lines and error reports.
    requestIdHeader: false,
    requestTimeout: deps.limits.requestTimeoutMs,
    connectionTimeout: deps.limits.socketIdleTimeoutMs,
    // Schema validation must not coerce ("5" is not a string of the admin API, 5 is no string).
    ajv: { customOptions: { coerceTypes: false } },
    clientErrorHandler: (error, socket) => {
      const e = voxError(catalog.MalformedHttpRequest, {
        detail: (error as Error & { code?: string }).code ?? 'parse error',
      });
      const body = JSON.stringify({ error: e.definition.name, message: e.message });
      if (socket.writable) {
        socket.end(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      } else {
        socket.destroy();
      }
    },
    bodyLimit: deps.limits.maxAdminBodyBytes,
  });
  const metrics = new ServerMetrics();

  app.decorateRequest('labels', null as unknown as RequestLabels);
  app.addHook('onRequest', async (request, reply) => {
    request.labels = {
      api: 'http',
      operation: request.routeOptions.url ?? 'unmatched',
      errorName: null,
    };
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const { api, operation, errorName } = request.labels;
    metrics.requests.inc({ api, operation, status: String(reply.statusCode) });
    metrics.latency.observe({ api, operation }, reply.elapsedTime / 1000);
    if (errorName) metrics.errors.inc({ api, operation, error: errorName });
  });
  app.setErrorHandler(plainErrorHandler(deps.limits.maxAdminBodyBytes));
  app.setNotFoundHandler((request, reply) =>
    sendPlainError(
      reply,
      voxError(catalog.RouteNotFound, {
        method: request.method,
        path: request.url.split('?')[0] ?? '',
      }),
    ),
  );

  await registerWebSockets(
    app,
    deps.speech ? speechMaxMessageBytes(deps.speech) : DEFAULT_WEBSOCKET_MAX_PAYLOAD,
  );
  await app.register(opsDoor, { metrics, readiness: deps.readiness });
  await app.register(adminDoor, {
    prefix: '/admin/v1',
    accessKeys: deps.accessKeys,
    adminToken: deps.adminToken,
    identityStore: deps.identityStore,
    speechAccounts: deps.speechAccounts.admin,
    maxBodyBytes: deps.limits.maxAdminBodyBytes,
  });
  if (deps.speech)
    await app.register(speechDoor, { ...deps.speech, accounts: deps.speechAccounts });
  await app.register(awsJsonDoor, {
    services: deps.awsServices,
    accessKeys: deps.accessKeys,
    maxBodyBytes: deps.limits.maxAwsBodyBytes,
    clockSkewSeconds: deps.limits.sigv4ClockSkewSeconds,
  });
  if (deps.voiceIdStreams) await app.register(voiceIdStreamDoor, deps.voiceIdStreams);
  return app;
}
