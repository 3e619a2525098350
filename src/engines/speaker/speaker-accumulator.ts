/**
 * Speaker statistics of audio that arrives in pieces — a phone call in 20 ms frames, or a whole
 * file at once — through one front end, so that a voiceprint enrolled from a batch file and a
 * call verified against it see the same features.
 *
 * The model's features need a whole stretch of audio (cepstral mean normalisation and the VAD's
 * noise floor are per stretch), and its statistics add up. So the stream is cut into segments
 * of a fixed length (3 s by default, about the length of the training utterances: 3.5 s
 * median); each closed segment goes through the model's batch `statistics()` once, when it
 * closes, and the results are summed. A snapshot adds the open segment's statistics to the sum.
 * Segments start at fixed sample positions, so how the audio was chunked never changes a
 * result.
 *
 * A partial segment shorter than `minPartialSeconds` is analysed together with the segment
 * before it (kept for that purpose) instead of alone: a few hundred milliseconds normalised on
 * their own would be mostly noise. Audio up to segmentSeconds + minPartialSeconds long is
 * therefore analysed whole, exactly as `model.statistics()` would.
 *
 * Only speech frames count, however few a segment has (a silent stretch of a call adds
 * nothing).
 */
import { addStats, type UtteranceStats } from './baum-welch.js';
import type { CepstralSums } from './long-term-cepstrum.js';
import { RunningSpeechEstimate } from './running-speech-estimate.js';
import type { SpeakerModel, UtteranceStatistics } from './speaker-model.js';

/** Default segment length, seconds. */
export const DEFAULT_SEGMENT_SECONDS = 3;
/** Default: partial segments shorter than this are analysed with the segment before, seconds. */
export const DEFAULT_MIN_PARTIAL_SECONDS = 1;

const SAMPLE_RATE = 16_000;
const FRAME_SHIFT_SEC = 0.01;

/** Options of {@link SpeakerModel.createAccumulator}. */
export interface AccumulatorOptions {
  /** Default {@link DEFAULT_SEGMENT_SECONDS} (3). */
  readonly segmentSeconds?: number;
  /** Default {@link DEFAULT_MIN_PARTIAL_SECONDS} (1); 0 analyses every partial alone. */
  readonly minPartialSeconds?: number;
}

/**
 * Accumulates one speaker's audio (16 kHz mono) into pooled statistics. Not re-entrant, like
 * the model it uses.
 *
 * ### Examples
 * ```ts
 * const acc = model.createAccumulator();
 * for (const frame of call) {
 *   acc.push(frame); // 20 ms of 16 kHz samples, or a whole file at once
 *   if (acc.netSpeechSeconds() >= 10) break;
 * }
 * const stats = acc.snapshot(); // exact net speech in stats.netSpeechSeconds
 * const result = model.compare(voiceprint, model.embedStatistics(stats));
 * ```
 */
export class SpeakerAccumulator {
  readonly segmentSamples: number;
  readonly minPartialSamples: number;
  readonly #model: SpeakerModel;
  /** The open segment: samples [0, #filled). */
  readonly #open: Float32Array;
  #filled = 0;
  /** The last closed segment's audio and statistics (for a short partial to join). */
  readonly #last: Float32Array;
  #lastStats: UtteranceStatistics | undefined;
  /** Sums over every closed segment but the last. */
  readonly #occupancy: Float64Array;
  readonly #first: Float64Array;
  readonly #cepSum: Float64Array;
  readonly #cepSumSq: Float64Array;
  #cepFrames = 0;
  #closedSpeechSeconds = 0;
  #closedSegments = 0;
  #samples = 0;
  /** The VAD over the open segment, and over the last closed one followed by the open one. */
  readonly #estimate: RunningSpeechEstimate;
  readonly #joinedEstimate: RunningSpeechEstimate;
  #snapshot: UtteranceStatistics | undefined;

  constructor(model: SpeakerModel, options: AccumulatorOptions = {}) {
    const segmentSeconds = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
    const minPartialSeconds = options.minPartialSeconds ?? DEFAULT_MIN_PARTIAL_SECONDS;
    if (!(segmentSeconds >= 0.5 && segmentSeconds <= 60))
      throw new RangeError(`segmentSeconds must be within 0.5–60, got ${segmentSeconds}`);
    if (!(minPartialSeconds >= 0 && minPartialSeconds < segmentSeconds))
      throw new RangeError(
        `minPartialSeconds must be within [0, segmentSeconds), got ${minPartialSeconds}`,
      );
    this.#model = model;
    // Whole 10 ms hops, so every segment's frames sit on the stream's frame grid.
    this.segmentSamples = Math.round(segmentSeconds * 100) * (SAMPLE_RATE / 100);
    this.minPartialSamples = Math.round(minPartialSeconds * SAMPLE_RATE);
    this.#open = new Float32Array(this.segmentSamples);
    this.#last = new Float32Array(this.segmentSamples);
    const c = model.meta.components;
    this.#occupancy = new Float64Array(c);
    this.#first = new Float64Array(c * model.meta.featureDims);
    const ltcsDims = model.meta.features.numCeps - 1;
    this.#cepSum = new Float64Array(ltcsDims);
    this.#cepSumSq = new Float64Array(ltcsDims);
    this.#estimate = new RunningSpeechEstimate(this.segmentSamples / 160);
    this.#joinedEstimate = new RunningSpeechEstimate(
      (this.segmentSamples + this.minPartialSamples) / 160 + 1,
    );
  }

  /** Seconds of audio pushed so far. */
  get durationSeconds(): number {
    return this.#samples / SAMPLE_RATE;
  }

  /** Segments closed so far. */
  get closedSegments(): number {
    return this.#closedSegments;
  }

  /**
   * Adds samples (any length). Costs a pass over them for the running VAD, plus the closed
   * segment's statistics each time a segment fills (about every `segmentSeconds` of audio).
   */
  push(samples: Float32Array): void {
    let at = 0;
    while (at < samples.length) {
      const n = Math.min(samples.length - at, this.segmentSamples - this.#filled);
      this.#open.set(samples.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      this.#estimate.advance(this.#open, this.#filled);
      if (this.#lastStats !== undefined && this.#filled < this.minPartialSamples)
        this.#joinedEstimate.advanceJoined(this.#last, this.#open, this.#filled);
      if (this.#filled === this.segmentSamples) this.#closeSegment();
    }
    this.#samples += samples.length;
    if (samples.length > 0) this.#snapshot = undefined;
  }

  /**
   * Net speech so far, seconds, without computing any statistics (microseconds): the closed
   * segments' figures plus the energy VAD run incrementally over the open segment (with the
   * segment before it while the open one is short), which is the decision the snapshot's
   * feature extraction makes. It equals `snapshot().netSpeechSeconds` up to float rounding.
   */
  netSpeechSeconds(): number {
    if (this.#joins())
      return this.#closedSpeechSeconds + this.#joinedEstimate.speechFrames() * FRAME_SHIFT_SEC;
    return (
      this.#closedSpeechSeconds +
      (this.#lastStats?.netSpeechSeconds ?? 0) +
      this.#estimate.speechFrames() * FRAME_SHIFT_SEC
    );
  }

  /** The open segment is short enough to be analysed with the one before it. */
  #joins(): boolean {
    return (
      this.#lastStats !== undefined && this.#filled > 0 && this.#filled < this.minPartialSamples
    );
  }

  /**
   * The pooled statistics of everything pushed so far, with the exact net speech: the sums of
   * the closed segments plus the statistics of the open one (one `statistics()` over at most
   * segmentSeconds + minPartialSeconds of audio). Repeated calls without a push in between
   * return the same object.
   */
  snapshot(): UtteranceStatistics {
    if (this.#snapshot !== undefined) return this.#snapshot;
    const parts: UtteranceStatistics[] = [this.#closedSum()];
    if (this.#joins()) {
      const joined = new Float32Array(this.segmentSamples + this.#filled);
      joined.set(this.#last);
      joined.set(this.#open.subarray(0, this.#filled), this.segmentSamples);
      parts.push(this.#statistics(joined));
    } else {
      if (this.#lastStats !== undefined) parts.push(this.#lastStats);
      if (this.#filled > 0) parts.push(this.#statistics(this.#open.subarray(0, this.#filled)));
    }
    this.#snapshot = poolStatistics(parts);
    return this.#snapshot;
  }

  #statistics(samples: Float32Array): UtteranceStatistics {
    return this.#model.statistics(samples, { speechOnly: true });
  }

  #closeSegment(): void {
    const stats = this.#statistics(this.#open);
    if (this.#lastStats !== undefined) this.#addToSum(this.#lastStats);
    this.#last.set(this.#open);
    this.#lastStats = stats;
    this.#filled = 0;
    this.#closedSegments++;
    this.#joinedEstimate.copyFrom(this.#estimate);
    this.#estimate.reset();
  }

  #addToSum(s: UtteranceStatistics): void {
    addInto(this.#occupancy, s.stats.occupancy);
    addInto(this.#first, s.stats.first);
    addInto(this.#cepSum, s.cepstral.sum);
    addInto(this.#cepSumSq, s.cepstral.sumSq);
    this.#cepFrames += s.cepstral.frames;
    this.#closedSpeechSeconds += s.netSpeechSeconds;
  }

  #closedSum(): UtteranceStatistics {
    return {
      stats: {
        occupancy: Float64Array.from(this.#occupancy),
        first: Float64Array.from(this.#first),
      },
      cepstral: {
        sum: Float64Array.from(this.#cepSum),
        sumSq: Float64Array.from(this.#cepSumSq),
        frames: this.#cepFrames,
      },
      netSpeechSeconds: this.#closedSpeechSeconds,
    };
  }
}

function addInto(target: Float64Array, values: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + values[i]!;
}

/**
 * The statistics of several stretches of audio together: Baum–Welch statistics, cepstral sums
 * and net speech all add.
 *
 * ### Examples
 * ```ts
 * const both = poolStatistics([model.statistics(a), model.statistics(b)]);
 * ```
 */
export function poolStatistics(parts: readonly UtteranceStatistics[]): UtteranceStatistics {
  const head = parts[0];
  if (head === undefined) throw new RangeError('poolStatistics needs at least one part');
  const stats: UtteranceStats = addStats(parts.map((p) => p.stats));
  const sum = Float64Array.from(head.cepstral.sum);
  const sumSq = Float64Array.from(head.cepstral.sumSq);
  let frames = head.cepstral.frames;
  let net = head.netSpeechSeconds;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    addInto(sum, p.cepstral.sum);
    addInto(sumSq, p.cepstral.sumSq);
    frames += p.cepstral.frames;
    net += p.netSpeechSeconds;
  }
  const cepstral: CepstralSums = { sum, sumSq, frames };
  return { stats, cepstral, netSpeechSeconds: net };
}
