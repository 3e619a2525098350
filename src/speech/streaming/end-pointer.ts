/**
 * Server-side end-pointing for streamed speech: decides, as audio arrives, when the learner has
 * finished — speech was heard, then enough trailing silence followed.
 *
 * Frames are the energy VAD's (25 ms, 10 ms hop, log energy in dB re full scale) and so is the
 * threshold, `max(absoluteFloorDb, noiseFloorDb + marginDb)`, with the noise floor a low
 * percentile of every frame heard so far, so the end-pointer and the assessment's own VAD agree
 * on what speech is. The percentile comes from a histogram of 0.5 dB bins: constant time per
 * frame and constant memory whatever the stream's length.
 */
import {
  DEFAULT_VAD_ABSOLUTE_FLOOR_DB,
  DEFAULT_VAD_MARGIN_DB,
  DEFAULT_VAD_NOISE_PERCENTILE,
  VAD_ENERGY_FLOOR_DB,
  frameEnergiesDb,
} from '../../audio/features/index.js';

/** Silence after speech that ends the utterance, ms. */
export const DEFAULT_TRAILING_SILENCE_MS = 800;
/**
 * Louder-than-threshold audio must last this long to count as speech, ms; shorter bursts (a
 * click, a breath) neither start the utterance nor interrupt its trailing silence.
 */
export const DEFAULT_ENDPOINT_MIN_SPEECH_MS = 150;

const SAMPLE_RATE = 16_000;
const FRAME_SHIFT = 160; // 10 ms
const FRAME_MS = 10;
const BIN_DB = 0.5;
const BINS = Math.ceil(-VAD_ENERGY_FLOOR_DB / BIN_DB) + 1;

export interface EndPointerOptions {
  /** Default {@link DEFAULT_TRAILING_SILENCE_MS} (800). */
  readonly trailingSilenceMs?: number;
  /** Default {@link DEFAULT_ENDPOINT_MIN_SPEECH_MS} (150). */
  readonly minSpeechMs?: number;
  /** Default: the energy VAD's (10). */
  readonly noisePercentile?: number;
  /** Default: the energy VAD's (12 dB). */
  readonly marginDb?: number;
  /** Default: the energy VAD's (−55 dBFS). */
  readonly absoluteFloorDb?: number;
}

/** What the end-pointer knows after the audio pushed so far. */
export interface EndPointState {
  /** A stretch of speech of at least `minSpeechMs` has been heard. */
  readonly speechHeard: boolean;
  /**
   * Silence (bursts shorter than `minSpeechMs` included) at the end of the audio, seconds; counted
   * up to `trailingSilenceMs` only.
   */
  readonly trailingSilenceSec: number;
  /** Speech was heard and at least `trailingSilenceMs` of silence followed it. */
  readonly endOfSpeech: boolean;
  /** The threshold now in use, dB re full scale. */
  readonly thresholdDb: number;
}

/**
 * An incremental end-pointer over 16 kHz mono samples (or over frame energies directly).
 *
 * ### Examples
 * ```ts
 * const endPointer = new EndPointer({ trailingSilenceMs: 800 });
 * for await (const chunk of chunks) {
 *   if (endPointer.push(chunk).endOfSpeech) break; // stop listening
 * }
 * ```
 */
export class EndPointer {
  readonly #trailingFrames: number;
  readonly #minSpeechFrames: number;
  readonly #percentile: number;
  readonly #marginDb: number;
  readonly #absoluteFloorDb: number;
  readonly #histogram = new Uint32Array(BINS);
  /** Samples not yet in a whole frame (the overlap of the next frame included). */
  #pending = new Float32Array(0);
  /** Energies of the most recent frames: enough to measure trailing silence. */
  readonly #recent: Float32Array;
  #recentCount = 0;
  #frames = 0;
  #aboveRun = 0;
  #speechHeard = false;

  constructor(options: EndPointerOptions = {}) {
    this.#trailingFrames = Math.max(
      1,
      Math.round((options.trailingSilenceMs ?? DEFAULT_TRAILING_SILENCE_MS) / FRAME_MS),
    );
    this.#minSpeechFrames = Math.max(
      1,
      Math.round((options.minSpeechMs ?? DEFAULT_ENDPOINT_MIN_SPEECH_MS) / FRAME_MS),
    );
    this.#percentile = options.noisePercentile ?? DEFAULT_VAD_NOISE_PERCENTILE;
    this.#marginDb = options.marginDb ?? DEFAULT_VAD_MARGIN_DB;
    this.#absoluteFloorDb = options.absoluteFloorDb ?? DEFAULT_VAD_ABSOLUTE_FLOOR_DB;
    // Trailing silence may hold bursts up to minSpeech − 1 frames long, so look that far back too.
    this.#recent = new Float32Array(this.#trailingFrames + this.#minSpeechFrames + 1);
  }

  /** Adds 16 kHz mono samples; frames that straddle two pushes are measured whole. */
  push(samples: Float32Array): EndPointState {
    const all = new Float32Array(this.#pending.length + samples.length);
    all.set(this.#pending);
    all.set(samples, this.#pending.length);
    const energies = frameEnergiesDb(all, SAMPLE_RATE);
    this.#pending = all.slice(energies.length * FRAME_SHIFT);
    return this.pushEnergies(energies);
  }

  /** Adds frame energies (dB re full scale, one per 10 ms). */
  pushEnergies(energiesDb: ArrayLike<number>): EndPointState {
    for (let i = 0; i < energiesDb.length; i++) {
      const db = Math.max(VAD_ENERGY_FLOOR_DB, Math.min(0, energiesDb[i]!));
      this.#histogram[Math.round((db - VAD_ENERGY_FLOOR_DB) / BIN_DB)]!++;
      this.#frames++;
      this.#recent.copyWithin(0, this.#recentCount === this.#recent.length ? 1 : 0);
      if (this.#recentCount < this.#recent.length) this.#recentCount++;
      this.#recent[this.#recentCount - 1] = db;
    }
    // Speech is judged against the threshold of the moment its frames arrive: a floor that
    // later drops never makes earlier noise into speech after the fact.
    const threshold = this.thresholdDb();
    for (let i = 0; i < energiesDb.length; i++) {
      this.#aboveRun = energiesDb[i]! > threshold ? this.#aboveRun + 1 : 0;
      if (this.#aboveRun >= this.#minSpeechFrames) this.#speechHeard = true;
    }
    return this.state();
  }

  state(): EndPointState {
    const thresholdDb = this.thresholdDb();
    const silentFrames = this.#trailingSilentFrames(thresholdDb);
    return {
      speechHeard: this.#speechHeard,
      trailingSilenceSec: (silentFrames * FRAME_MS) / 1000,
      endOfSpeech: this.#speechHeard && silentFrames >= this.#trailingFrames,
      thresholdDb,
    };
  }

  thresholdDb(): number {
    return Math.max(this.#absoluteFloorDb, this.#noiseFloorDb() + this.#marginDb);
  }

  #noiseFloorDb(): number {
    if (this.#frames === 0) return VAD_ENERGY_FLOOR_DB;
    const rank = Math.ceil((Math.min(Math.max(this.#percentile, 0), 100) / 100) * this.#frames);
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      seen += this.#histogram[bin]!;
      if (seen >= Math.max(1, rank)) return VAD_ENERGY_FLOOR_DB + bin * BIN_DB;
    }
    return 0;
  }

  /** Frames at the end quieter than the threshold, bursts shorter than minSpeech included. */
  #trailingSilentFrames(thresholdDb: number): number {
    let silent = 0;
    let burst = 0;
    for (let i = this.#recentCount - 1; i >= 0 && silent < this.#trailingFrames; i--) {
      if (this.#recent[i]! > thresholdDb) {
        if (++burst >= this.#minSpeechFrames) return silent;
      } else {
        silent += burst + 1;
        burst = 0;
      }
    }
    return silent + burst;
  }
}
