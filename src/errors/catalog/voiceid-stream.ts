/**
 * Errors of the Voice ID call-stream door (`/voiceid/v1/streams/<token>`): Voxgate's own, for the
 * WebSocket that carries a session's call audio (AWS never published one). Sent as an `error`
 * frame in plain mode, and as the WebSocket close reason in both modes. A second stream into a
 * session whose stream runs is the ConflictException ANOTHER_ACTIVE_STREAM of the Voice ID API.
 */
import { defineErrors, type ApiUsage } from '../error-definition.js';

const stream: readonly ApiUsage[] = [
  { api: 'server', category: 'Voice ID call streams (Voxgate extensions)' },
];

export const voiceIdStreamErrors = defineErrors({
  VoiceIdStreamTokenInvalid: {
    name: 'VoiceIdStreamTokenInvalid',
    status: 401,
    message: 'The stream URL is not valid or has expired: call VoiceID.StartSession for a new one',
    params: {},
    fields: {},
    description:
      'A stream connected with a token that no session has (mistyped, or replaced by a later StartSession) or after the URL expired (voiceIdStreamTokenTtlSeconds).',
    apis: stream,
  },
  VoiceIdStreamEnded: {
    name: 'VoiceIdStreamEnded',
    status: 409,
    message:
      "The session's stream has ended: call VoiceID.StartSession with the same SessionName for the next stream",
    params: {},
    fields: {},
    description: 'A stream connected with the token of a stream that already ended.',
    apis: stream,
  },
  VoiceIdStreamMessageInvalid: {
    name: 'VoiceIdStreamMessageInvalid',
    status: 400,
    message: 'Invalid stream message: {detail}',
    params: {
      detail: { type: 'str', description: 'What is wrong with the message and what is expected.' },
    },
    fields: {},
    description:
      'A stream message is neither a Twilio Media Streams event nor a plain-mode frame (start frame first: `{"event":"start","encoding":"pcm16le"|"mulaw","sampleRate":8000|16000}`, then binary audio), or its audio is malformed.',
    apis: stream,
  },
  VoiceIdStreamIdle: {
    name: 'VoiceIdStreamIdle',
    status: 408,
    message: 'No audio for {seconds} seconds: the stream was closed and its session ended',
    params: {
      seconds: { type: 'int', description: 'The idle limit (voiceIdStreamIdleSeconds).' },
    },
    fields: {},
    description:
      'A stream that sends nothing for voiceIdStreamIdleSeconds is closed; the speech it had sent is kept and evaluated.',
    apis: stream,
  },
});
