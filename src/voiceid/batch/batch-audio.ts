import {
  AudioLimitExceeded,
  ChannelUnavailable,
  decodeAudio,
  DEFAULT_AUDIO_LIMITS,
  type AudioLimits,
} from '../../audio/index.js';
import {
  BlobStoreUnavailable,
  BlobTooLarge,
  parseS3Uri,
  type BlobStore,
} from '../../blobs/index.js';
import type { SpeakerModel, UtteranceStatistics } from '../../engines/speaker/index.js';

/** Voice ID's limit on one batch audio file: 20 MB. */
export const MAX_BATCH_AUDIO_BYTES = 20 * 1024 * 1024;

/** A batch audio file: 20 MB, 10 minutes. */
export const BATCH_AUDIO_LIMITS: AudioLimits = Object.freeze({
  ...DEFAULT_AUDIO_LIMITS,
  maxBytes: MAX_BATCH_AUDIO_BYTES,
});

/** One manifest item's audio: `AudioSpecifications[]` after validation. */
export interface AudioSpec {
  readonly s3Uri: string;
  readonly channelId: number;
}

/** Why an item's audio could not be used: its per-item error (code and message). */
export class ItemFailure extends Error {
  constructor(
    readonly errorCode: 400 | 402 | 409 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'ItemFailure';
  }
}

/**
 * The pooled speaker statistics of an item's audio files (each read from the blob store,
 * decoded to 16 kHz mono from the channel asked for), through one accumulator as a call's
 * audio goes. A missing, oversized or unreadable file, or a missing channel, is an
 * {@link ItemFailure} 400; a blob store that does not answer is a 500.
 */
export async function itemStatistics(
  blobs: BlobStore,
  model: SpeakerModel,
  audio: readonly AudioSpec[],
): Promise<UtteranceStatistics> {
  const acc = model.createAccumulator();
  for (const spec of audio) {
    const uri = parseS3Uri(spec.s3Uri);
    if (!uri)
      throw new ItemFailure(400, `The audio S3Uri '${spec.s3Uri}' is not s3://<bucket>/<key>`);
    let bytes: Buffer | undefined;
    try {
      bytes = await blobs.get(uri, { maxBytes: MAX_BATCH_AUDIO_BYTES });
    } catch (e) {
      if (e instanceof BlobTooLarge)
        throw new ItemFailure(400, `The audio file ${spec.s3Uri} is larger than 20 MB`);
      if (e instanceof BlobStoreUnavailable)
        throw new ItemFailure(500, `The audio file ${spec.s3Uri} could not be read: ${e.message}`);
      throw e;
    }
    if (!bytes)
      throw new ItemFailure(
        400,
        `The audio file ${spec.s3Uri} does not exist in Voxgate's blob store`,
      );
    let samples: Float32Array;
    try {
      samples = (
        await decodeAudio(new Uint8Array(bytes), {
          limits: BATCH_AUDIO_LIMITS,
          channel: spec.channelId,
        })
      ).samples;
    } catch (e) {
      if (e instanceof ChannelUnavailable)
        throw new ItemFailure(400, `The audio file ${spec.s3Uri}: ${e.message}`);
      if (e instanceof AudioLimitExceeded)
        throw new ItemFailure(400, `The audio file ${spec.s3Uri} is too long: ${e.message}`);
      throw new ItemFailure(
        400,
        `The audio file ${spec.s3Uri} is not readable audio (8 kHz or 16 kHz WAV, PCM-16 or µ-law)`,
      );
    }
    acc.push(samples);
  }
  return acc.snapshot();
}
