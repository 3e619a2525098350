import { readFile } from 'node:fs/promises';
import { decodeAudio, type AudioLimits, type DecodedAudio } from '../audio/index.js';
import { CorpusError, type CorpusUtterance } from './corpus.js';

export interface DecodedUtterance {
  readonly utterance: CorpusUtterance;
  readonly audio: DecodedAudio;
}

export interface DecodeOptions {
  /** How many files are read and decoded ahead of the consumer. */
  readonly concurrency: number;
  readonly limits: AudioLimits;
  readonly ffmpegTimeoutMs?: number;
}

/**
 * Decodes `utterances` with at most `concurrency` decodes in flight and yields them in order.
 * A file that does not decode stops the iteration with a CorpusError naming it.
 *
 * ### Examples
 * ```ts
 * for await (const { utterance, audio } of decodeUtterances(corpus.utterances, {
 *   concurrency: 4,
 *   limits: DEFAULT_AUDIO_LIMITS,
 * }))
 *   console.log(utterance.id, audio.source.durationSec);
 * ```
 */
export async function* decodeUtterances(
  utterances: readonly CorpusUtterance[],
  options: DecodeOptions,
): AsyncGenerator<DecodedUtterance, void, undefined> {
  const window = Math.max(1, Math.floor(options.concurrency));
  const pending: Promise<DecodedUtterance>[] = [];
  let next = 0;
  const startNext = (): void => {
    const utterance = utterances[next++]!;
    const decoding = decodeOne(utterance, options);
    // Awaited in order later; until then a failure must not count as an unhandled rejection.
    decoding.catch(() => undefined);
    pending.push(decoding);
  };
  while (next < utterances.length && pending.length < window) startNext();
  while (pending.length > 0) {
    const decoded = await pending.shift()!;
    if (next < utterances.length) startNext();
    yield decoded;
  }
}

async function decodeOne(
  utterance: CorpusUtterance,
  options: DecodeOptions,
): Promise<DecodedUtterance> {
  try {
    const bytes = await readFile(utterance.audioPath);
    const audio = await decodeAudio(
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      {
        limits: options.limits,
        ...(options.ffmpegTimeoutMs === undefined
          ? {}
          : { ffmpegTimeoutMs: options.ffmpegTimeoutMs }),
      },
    );
    return { utterance, audio };
  } catch (e) {
    throw new CorpusError(
      `utterance ${utterance.id}: cannot decode ${utterance.audioPath}: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
