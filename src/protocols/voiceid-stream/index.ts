/**
 * The call-stream door of Voice ID sessions: a WebSocket per stream at the URL StartSession
 * answers, Twilio Media Streams or plain mode.
 *
 * ### Examples
 * ```ts
 * await registerWebSockets(app, 1 << 20);
 * await app.register(voiceIdStreamDoor, { streams, idleMs: 30_000, tracks: 'inbound' });
 * ```
 */
export {
  STREAM_TRACKS,
  VOICEID_STREAM_PATH,
  voiceIdStreamDoor,
  type StreamTracks,
  type VoiceIdStreamDoorOptions,
} from './voiceid-stream-door.js';
export { parseTextMessage, StreamMessageInvalid, type StreamEvent } from './stream-messages.js';
