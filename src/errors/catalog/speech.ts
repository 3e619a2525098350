/**
 * The speech API's errors, verbatim from `seeds/speech-api-error-listing.txt` (names, messages,
 * parameters and descriptions are the contract). HTTP statuses are not in the seed; these are
 * Voxgate's documented choice: 4xx for what the caller can fix, 5xx for engine trouble.
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const both = (category: string): readonly ApiUsage[] => [
  { api: 'speech-unscripted', category },
  { api: 'speech-scripted', category },
];
const unscripted = (category: string): readonly ApiUsage[] => [
  { api: 'speech-unscripted', category },
];
const scripted = (category: string): readonly ApiUsage[] => [{ api: 'speech-scripted', category }];

const ASR = 'ASR Exceptions';
const AUDIO = 'Audio Exceptions';
const AUTH = 'Authentication Exceptions';

export const speechErrors = defineErrors({
  ASRInterProcessException: {
    name: 'ASRInterProcessException',
    status: 502,
    message: 'exception in ASR: {error}',
    params: { error: { type: 'str', description: 'Details of the error.' } },
    fields: {},
    description: 'Raised when there is an inter-process exception in the ASR system.',
    apis: unscripted(ASR),
  },
  ASRSocketTimeout: {
    name: 'ASRSocketTimeout',
    status: 504,
    message: 'ASR timeout',
    params: {},
    fields: {},
    description: 'Raised when the ASR system times out while processing.',
    apis: unscripted(ASR),
  },
  ASRConnectionFailed: {
    name: 'ASRConnectionFailed',
    status: 503,
    message: 'ASR Connection Failed',
    params: {},
    fields: {},
    description: 'Raised when the connection to the ASR system fails.',
    apis: unscripted(ASR),
  },
  FailedToReadAudioFromURL: {
    name: 'FailedToReadAudioFromURL',
    status: 400,
    message: 'Failed to read audio from the URL',
    params: {},
    fields: {},
    description: 'Raised when the server cannot read the audio from the provided URL.',
    apis: both(AUDIO),
  },
  FailedToParseAudioHeader: {
    name: 'FailedToParseAudioHeader',
    status: 400,
    message: 'Failed to parse audio header',
    params: {},
    fields: {},
    description: 'Raised when the audio header cannot be parsed.',
    apis: unscripted(AUDIO),
  },
  InvalidAudioFormat: {
    name: 'InvalidAudioFormat',
    status: 415,
    message: 'Only 16 kHz mono WAV, FLAC or OGG-Opus audio allowed',
    params: {},
    fields: {},
    description: 'Raised when the provided audio format is invalid.',
    apis: unscripted(AUDIO),
  },
  FailedToConvertAudio: {
    name: 'FailedToConvertAudio',
    status: 400,
    message: 'The server failed to parse your {audio_format} audio',
    params: {
      audio_format: { type: 'str', description: 'The format of the audio that failed conversion.' },
    },
    fields: {},
    description: 'Raised when the server fails to convert the provided audio format.',
    apis: both(AUDIO),
  },
  FailedToDecodeAudioFromBytes: {
    name: 'FailedToDecodeAudioFromBytes',
    status: 400,
    message: 'Failed to decode audio',
    params: {},
    fields: {},
    description: 'Raised when the server fails to decode audio data from bytes.',
    apis: unscripted(AUDIO),
  },
  MissingAudioParam: {
    name: 'MissingAudioParam',
    status: 400,
    message: 'Missing audio param!',
    params: {},
    fields: {},
    description: 'Raised when the required audio parameter is missing.',
    apis: both(AUDIO),
  },
  AudioTooBigForSync: {
    name: 'AudioTooBigForSync',
    status: 413,
    message: 'Audio is too big for sync mode, please change to async mode',
    params: {
      stream_dir: { type: 'str', description: 'Directory or location of the audio stream.' },
    },
    fields: {
      stream_dir: {
        source: { param: 'stream_dir' },
        description: 'Where the audio can be streamed instead (the streaming endpoint).',
      },
    },
    description: 'Raised when the provided audio is too large for synchronous processing.',
    apis: unscripted(AUDIO),
  },
  FailedToUseAudio: {
    name: 'FailedToUseAudio',
    status: 422,
    message:
      "An unexpected error occurred while processing the audio. Please check if the audio is valid and it's not corrupted.",
    params: {},
    fields: {},
    description: 'Raised when an unexpected error occurs while processing the audio.',
    apis: both(AUDIO),
  },
  NoTokenProvided: {
    name: 'NoTokenProvided',
    status: 401,
    message: 'No session token provided',
    params: {},
    fields: {},
    description: 'Raised when no session token is provided.',
    apis: both(AUTH),
  },
  InvalidSessionToken: {
    name: 'InvalidSessionToken',
    status: 401,
    message: 'Invalid session token: {token}',
    params: { token: { type: 'str', description: 'The invalid session token.' } },
    fields: {},
    description: 'Raised when an invalid session token is provided.',
    apis: unscripted(AUTH),
    alsoUsedBy: ['speech-scripted'],
  },
  UserDoesNotExist: {
    name: 'UserDoesNotExist',
    status: 404,
    message: 'Could not find {user_type} ID',
    params: { user_type: { type: 'str', description: 'The type of user ID.' } },
    fields: {},
    description: 'Raised when the specified user does not exist.',
    apis: both(AUTH),
  },
  ClientIsNotActive: {
    name: 'ClientIsNotActive',
    status: 403,
    message: 'Client with {user_id} is not active',
    params: { user_id: { type: 'str', description: 'The user ID.' } },
    fields: {},
    description: 'Raised when the specified client is not active.',
    apis: both(AUTH),
  },
  ClientDoesNotHaveAccess: {
    name: 'ClientDoesNotHaveAccess',
    status: 403,
    message: 'User {user_id} does not have access for this API',
    params: { user_id: { type: 'str', description: 'The user ID.' } },
    fields: {},
    description: 'Raised when the specified client does not have access to the API.',
    apis: both(AUTH),
  },
  ClientHasNoMoreMinutes: {
    name: 'ClientHasNoMoreMinutes',
    status: 402,
    message: 'User has no remaining minutes',
    params: {},
    fields: {},
    description: 'Raised when the user has no remaining minutes for API usage.',
    apis: unscripted(AUTH),
    alsoUsedBy: ['speech-scripted'],
  },
  InvalidHeaderParameter: {
    name: 'InvalidHeaderParameter',
    status: 401,
    message: 'A valid authorization header is required',
    params: {},
    fields: {},
    description: 'Raised when the authorization header is invalid or missing.',
    apis: scripted(AUTH),
  },
});
