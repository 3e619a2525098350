/**
 * Streamed scripted assessment: the domain behind `GET /api/v2/ws/score_audio`. A stream holds
 * minutes for as long as it may run, takes audio packet by packet, end-points on its own, and is
 * assessed once at its end; the WebSocket door only translates messages.
 *
 * ### Examples
 * ```ts
 * import { ScriptedStream } from '../speech/streaming/index.js';
 *
 * const stream = await ScriptedStream.start(deps, caller, parameters, {
 *   audioFormat: 'file',
 *   endpointing: true,
 *   maxPacketBytes: 1 << 20,
 * });
 * const { stopped } = await stream.append(wavChunk); // 'end_of_speech' once the learner is done
 * // Assess, deliver, and charge the minutes only if `deliver` says the answer was sent:
 * const outcome = await stream.finish((result) => send(result)); // 'charged' | 'refunded'
 * ```
 */
export {
  DEFAULT_ENDPOINT_MIN_SPEECH_MS,
  DEFAULT_TRAILING_SILENCE_MS,
  EndPointer,
  type EndPointState,
  type EndPointerOptions,
} from './end-pointer.js';
export {
  MIN_STREAM_RESERVATION_MS,
  STREAM_AUDIO_FORMATS,
  ScriptedStream,
  isStreamAudioFormat,
  type PacketResult,
  type ScriptedStreamDeps,
  type ScriptedStreamOptions,
  type StopReason,
  type StreamAudioFormat,
} from './scripted-stream.js';
