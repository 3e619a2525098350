/**
 * Errors of the speech API that the seed does not list: Voxgate's own, for conditions the
 * reference API leaves unspecified (request fields, absolute audio limits, async jobs). Listed
 * under the server in docs/errors.md so the seed's listing stays exactly the seed's.
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const speech: readonly ApiUsage[] = [
  { api: 'server', category: 'Speech API (Voxgate extensions)' },
];

export const speechExtensionErrors = defineErrors({
  InvalidSpeechParameter: {
    name: 'InvalidSpeechParameter',
    status: 400,
    message: 'Invalid parameter {param}: {detail}',
    params: {
      param: { type: 'str', description: 'The request field or message member at fault.' },
      detail: { type: 'str', description: 'What is wrong with it and what is expected.' },
    },
    fields: {},
    description:
      'A speech request field is missing or malformed (sentence, api_plan, mode, the multipart body itself, a WebSocket message).',
    apis: speech,
  },
  AudioTooLong: {
    name: 'AudioTooLong',
    status: 413,
    message:
      'The audio is larger than this server accepts: at most {max_seconds} seconds and {max_bytes} bytes',
    params: {
      max_seconds: {
        type: 'int',
        description: 'The configured maximum duration (speechMaxAudioSeconds).',
      },
      max_bytes: { type: 'int', description: 'The configured maximum size (speechMaxAudioBytes).' },
    },
    fields: {},
    description:
      'The audio exceeds the absolute size or duration limit, in any mode (sync mode has the lower AudioTooBigForSync limit).',
    apis: speech,
  },
  SpeechJobNotFound: {
    name: 'SpeechJobNotFound',
    status: 404,
    message: 'No scoring job {job_id} for this client',
    params: { job_id: { type: 'str', description: 'The job id asked for.' } },
    fields: {},
    description:
      'An async scoring job does not exist, or belongs to another client (the two are not told apart).',
    apis: speech,
  },
});
