import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FetchPolicy } from '../../audio/index.js';
import { catalog, isVoxgateError, voxError } from '../../errors/index.js';
import { isClientAbort } from '../http/client-abort.js';
import type { SpeechAccounts, SpeechCaller } from '../../speech/accounts/index.js';
import {
  audioTooLong,
  loadAudio,
  parseScriptedParameters,
  scoreWithMinutes,
  type AudioInput,
  type ScriptedAssessmentDeps,
  type ScriptedJobs,
  type SpeechLimits,
} from '../../speech/scripted/index.js';
import { resultLink, scriptedJobToElsa, scriptedResultToElsa } from './elsa-scripted.js';
import { speechErrorHandler } from './render-speech-error.js';
import { sessionTokenOf } from './speech-authorization.js';
import { speechWebSocket } from './speech-websocket.js';

export interface SpeechDoorOptions {
  readonly accounts: SpeechAccounts;
  /** The engines, model and stress dictionary assessments run on. */
  readonly scripted: ScriptedAssessmentDeps;
  /** Async mode; null answers mode=async with InvalidSpeechParameter. */
  readonly jobs: ScriptedJobs | null;
  readonly limits: SpeechLimits;
  readonly fetchPolicy: FetchPolicy;
}

/** Multipart text fields the scripted endpoint reads; others are ignored. */
const FIELDS = ['sentence', 'api_plan', 'audio_path', 'user_id', 'mode'] as const;
type FieldName = (typeof FIELDS)[number];
const MAX_FIELD_BYTES = 64 * 1024;

export const OPENAPI_PATH = fileURLToPath(
  new URL('../../../docs/openapi/speech.yaml', import.meta.url),
);

declare module 'fastify' {
  interface FastifyRequest {
    speechCaller: SpeechCaller | null;
  }
}

/**
 * The speech API, scripted half (ELSA-style):
 *   POST /api/v2/score_audio                  multipart: audio_file | audio_path, sentence, api_plan, mode, user_id
 *   GET  /api/v2/score_audio/jobs/{job_id}    an async job and, when done, its result
 *   GET  /api/v2/openapi.yaml                 the OpenAPI 3.1 description of all of it
 * Authorization: `ELSA <token>` or `Bearer <token>` (session tokens from the admin API).
 */
export async function speechDoor(app: FastifyInstance, options: SpeechDoorOptions): Promise<void> {
  const { limits } = options;
  app.setErrorHandler(speechErrorHandler(limits.maxAudioBytes));
  app.decorateRequest('speechCaller', null);
  await app.register(multipart, {
    limits: {
      fileSize: limits.maxAudioBytes,
      files: 1,
      fields: 20,
      fieldSize: MAX_FIELD_BYTES,
      parts: 24,
    },
  });

  await app.register(speechWebSocket, options);

  const openapi = readFileSync(OPENAPI_PATH, 'utf8');
  app.get('/api/v2/openapi.yaml', async (request, reply) => {
    request.labels.api = 'speech';
    return reply.type('application/yaml; charset=utf-8').send(openapi);
  });

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    request.labels.api = 'speech';
    request.speechCaller = await options.accounts.authenticate({
      token: sessionTokenOf(request.headers.authorization, 'scripted'),
      api: 'scripted',
    });
  };

  app.post(
    '/api/v2/score_audio',
    { onRequest: authenticate, bodyLimit: limits.maxAudioBytes + MAX_FIELD_BYTES * 8 },
    async (request, reply) => {
      const { fields, audioBytes } = await readForm(request, limits);
      let caller = request.speechCaller!;
      if (fields.user_id !== undefined)
        caller = await options.accounts.authenticate({
          token: sessionTokenOf(request.headers.authorization, 'scripted'),
          api: 'scripted',
          endUser: fields.user_id,
        });
      const mode = fields.mode ?? 'sync';
      if (mode !== 'sync' && mode !== 'async')
        throw voxError(catalog.InvalidSpeechParameter, {
          param: 'mode',
          detail: 'must be "sync" (the default) or "async"',
        });
      const audio: AudioInput | null = audioBytes
        ? { kind: 'bytes', bytes: audioBytes }
        : fields.audio_path !== undefined && fields.audio_path.trim() !== ''
          ? { kind: 'url', url: fields.audio_path.trim() }
          : null;
      if (audio === null) throw voxError(catalog.MissingAudioParam);
      const parameters = parseScriptedParameters(fields);
      const samples = await loadAudio(audio, options, mode);
      if (mode === 'async') {
        if (options.jobs === null)
          throw voxError(catalog.InvalidSpeechParameter, {
            param: 'mode',
            detail: 'async mode is not enabled on this server',
          });
        const job = await options.jobs.submit(caller, parameters, samples);
        return reply
          .code(202)
          .header('location', resultLink(job.jobId))
          .send(scriptedJobToElsa(job));
      }
      return scriptedResultToElsa(await scoreWithMinutes(options, caller, samples, parameters));
    },
  );

  app.get<{ Params: { jobId: string } }>(
    '/api/v2/score_audio/jobs/:jobId',
    { onRequest: authenticate },
    async (request) => {
      if (options.jobs === null)
        throw voxError(catalog.SpeechJobNotFound, { job_id: request.params.jobId });
      return scriptedJobToElsa(await options.jobs.get(request.speechCaller!, request.params.jobId));
    },
  );
}

/** Reads the multipart form: the text fields and the `audio_file` bytes (at most one file). */
async function readForm(
  request: FastifyRequest,
  limits: SpeechLimits,
): Promise<{ fields: Partial<Record<FieldName, string>>; audioBytes: Uint8Array | null }> {
  const fields: Partial<Record<FieldName, string>> = {};
  let audioBytes: Uint8Array | null = null;
  if (!request.isMultipart()) return { fields, audioBytes };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        if (part.file.truncated) throw audioTooLong(limits);
        if (part.fieldname === 'audio_file' || part.fieldname === 'audio') {
          const bytes = Buffer.concat(chunks);
          audioBytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
      } else if ((FIELDS as readonly string[]).includes(part.fieldname)) {
        const value = part.value;
        if (typeof value === 'string') fields[part.fieldname as FieldName] = value;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw audioTooLong(limits);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw voxError(catalog.InvalidSpeechParameter, {
        param: 'form',
        detail: 'send one audio_file and the text fields sentence, api_plan, mode, user_id',
      });
    if (code === 'FST_PROTO_VIOLATION')
      throw voxError(catalog.InvalidSpeechParameter, {
        param: 'form',
        detail: 'forbidden field name',
      });
    if (!(e instanceof Error) || isVoxgateError(e) || isClientAbort(e)) throw e;
    // What is left is the multipart parser's own complaint (no boundary, a body cut short, a
    // malformed part header): the client's request is malformed, nothing failed here.
    request.log.info({ detail: e.message }, 'malformed multipart body');
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'form',
      detail: `the multipart/form-data body is malformed (${e.message}): send a complete body with the boundary its Content-Type names`,
    });
  }
  return { fields, audioBytes };
}
