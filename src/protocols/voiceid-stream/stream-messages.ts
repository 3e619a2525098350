/**
 * The messages a call stream accepts, parsed into one shape. Two dialects, told apart by the
 * first message of the socket:
 *
 * - **Twilio Media Streams**, as Twilio sends them: `connected`, `start` (with `start.mediaFormat`
 *   `audio/x-mulaw` 8000 Hz mono and `start.tracks`), `media` (`media.track`, `media.payload`
 *   base64), `dtmf`, `mark`, `stop`. The snake_case spelling other vendors send (`stream_sid`,
 *   `media_format`, `sample_rate`) is read the same.
 * - **plain mode**: a JSON start frame `{"event":"start","encoding":"pcm16le"|"mulaw",
 *   "sampleRate":8000|16000}`, then binary frames of audio, then optionally `{"event":"stop"}`.
 */

export type CallEncoding = 'pcm16le' | 'mulaw';
export type CallSampleRate = 8000 | 16000;
export type StreamDialect = 'twilio' | 'plain';

export type StreamEvent =
  | { readonly event: 'connected' }
  | {
      readonly event: 'start';
      readonly dialect: StreamDialect;
      readonly encoding: CallEncoding;
      readonly sampleRate: CallSampleRate;
      /** Twilio's tracks of this stream (inbound, outbound); plain mode has one. */
      readonly tracks: readonly string[];
    }
  | { readonly event: 'media'; readonly track: string; readonly audio: Buffer }
  | { readonly event: 'dtmf' }
  | { readonly event: 'mark' }
  | { readonly event: 'stop' };

/** A message that is not one of the above; `detail` says what was expected. */
export class StreamMessageInvalid extends Error {}

const invalid = (detail: string): StreamMessageInvalid => new StreamMessageInvalid(detail);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `obj.camelName` or `obj.snake_name`. */
function member(obj: Record<string, unknown>, camel: string): unknown {
  if (camel in obj) return obj[camel];
  return obj[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

const TWILIO_ENCODINGS: Readonly<Record<string, CallEncoding>> = {
  'audio/x-mulaw': 'mulaw',
  'audio/mulaw': 'mulaw',
  'audio/pcmu': 'mulaw',
  'audio/l16': 'pcm16le',
};
const PLAIN_START =
  'a start frame {"event":"start","encoding":"pcm16le"|"mulaw","sampleRate":8000|16000}';

function sampleRateOf(value: unknown, where: string): CallSampleRate {
  const n = typeof value === 'string' ? Number(value) : value;
  if (n === 8000 || n === 16000) return n;
  throw invalid(`${where} must be 8000 or 16000, got ${JSON.stringify(value) ?? 'nothing'}`);
}

/** Parses one text message; `dialect` is the socket's once its start has been seen. */
export function parseTextMessage(text: string, dialect: StreamDialect | undefined): StreamEvent {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw invalid(`a text message must be JSON (${PLAIN_START}, or a Twilio Media Streams event)`);
  }
  if (!isObject(message) || typeof message.event !== 'string')
    throw invalid('a text message must be a JSON object with a string "event"');
  switch (message.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start':
      return parseStart(message);
    case 'media':
      return parseTwilioMedia(message, dialect);
    case 'dtmf':
      return { event: 'dtmf' };
    case 'mark':
      return { event: 'mark' };
    case 'stop':
      return { event: 'stop' };
    default:
      throw invalid(
        `unknown event ${JSON.stringify(message.event)}: expected connected, start, media, dtmf, mark or stop`,
      );
  }
}

function parseStart(message: Record<string, unknown>): StreamEvent {
  const twilio = member(message, 'start');
  if (isObject(twilio)) {
    const format = member(twilio, 'mediaFormat');
    if (!isObject(format)) throw invalid('start.mediaFormat is missing');
    const name = String(member(format, 'encoding') ?? '').toLowerCase();
    const encoding = TWILIO_ENCODINGS[name];
    if (!encoding)
      throw invalid(
        `start.mediaFormat.encoding ${JSON.stringify(name)} is not supported: audio/x-mulaw or audio/l16`,
      );
    const channels = member(format, 'channels');
    if (channels !== undefined && Number(channels) !== 1)
      throw invalid('start.mediaFormat.channels must be 1 (one message per track)');
    const tracks = member(twilio, 'tracks');
    return {
      event: 'start',
      dialect: 'twilio',
      encoding,
      sampleRate: sampleRateOf(member(format, 'sampleRate'), 'start.mediaFormat.sampleRate'),
      tracks: Array.isArray(tracks) ? tracks.map(String) : ['inbound'],
    };
  }
  const encoding = member(message, 'encoding');
  if (encoding !== 'pcm16le' && encoding !== 'mulaw')
    throw invalid(`the start frame's encoding must be "pcm16le" or "mulaw" (${PLAIN_START})`);
  return {
    event: 'start',
    dialect: 'plain',
    encoding,
    sampleRate: sampleRateOf(member(message, 'sampleRate'), "the start frame's sampleRate"),
    tracks: ['inbound'],
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseTwilioMedia(
  message: Record<string, unknown>,
  dialect: StreamDialect | undefined,
): StreamEvent {
  if (dialect === 'plain')
    throw invalid('in plain mode audio comes as binary frames, not media events');
  const media = member(message, 'media');
  if (!isObject(media)) throw invalid('a media event needs a media object');
  const payload = member(media, 'payload');
  if (typeof payload !== 'string' || payload.length % 4 !== 0 || !BASE64.test(payload))
    throw invalid('media.payload must be base64 audio');
  const track = member(media, 'track');
  return {
    event: 'media',
    track: typeof track === 'string' ? track : 'inbound',
    audio: Buffer.from(payload, 'base64'),
  };
}
