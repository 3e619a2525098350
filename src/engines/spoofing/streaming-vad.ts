/**
 * A causal energy VAD for streams: a frame is speech when its level is above both an absolute
 * floor and a tracked noise floor plus a margin. The noise floor follows quiet frames down at
 * once and rises slowly otherwise (a decaying minimum), so the decision for a frame depends only
 * on the frames before it: the same audio gives the same decisions however it is chunked.
 *
 * The offline VAD of src/audio (a percentile of the whole utterance) cannot be used on a call
 * that is still arriving; the thresholds here are the same (−55 dBFS, +12 dB).
 */

/** The VAD configuration a model was trained with (stored in the model file). */
export interface StreamingVadConfig {
  /** Frames quieter than this (dB re full scale) are never speech. */
  readonly absoluteFloorDb: number;
  /** Speech is at least this far above the tracked noise floor, dB. */
  readonly marginDb: number;
  /** How fast the tracked floor rises through louder frames, dB per frame. */
  readonly floorRiseDbPerFrame: number;
  /**
   * The tracked floor before the first frame, dB. Starting at the first frame's level would
   * throw away everything until the first pause of a stream that starts with speech; starting
   * low lets the absolute floor decide until a quiet frame has been seen.
   */
  readonly initialFloorDb: number;
}

export const DEFAULT_STREAMING_VAD: StreamingVadConfig = Object.freeze({
  absoluteFloorDb: -55,
  marginDb: 12,
  floorRiseDbPerFrame: 0.05,
  initialFloorDb: -67,
});

/**
 * The noise-floor tracker and decision; one per stream.
 *
 * ### Examples
 * ```ts
 * const vad = new StreamingVad();
 * const speech = levelsDb.map((db) => vad.isSpeech(db));
 * ```
 */
export class StreamingVad {
  readonly config: StreamingVadConfig;
  #floorDb: number;

  constructor(config: StreamingVadConfig = DEFAULT_STREAMING_VAD) {
    this.config = config;
    this.#floorDb = config.initialFloorDb;
  }

  /** The decision for the next frame, whose level is `levelDb`. */
  isSpeech(levelDb: number): boolean {
    const { absoluteFloorDb, marginDb, floorRiseDbPerFrame } = this.config;
    this.#floorDb = Math.min(this.#floorDb + floorRiseDbPerFrame, levelDb);
    return levelDb > absoluteFloorDb && levelDb > this.#floorDb + marginDb;
  }
}
