/**
 * The speaker model's input: MFCCs of the telephone band with Δ and ΔΔ, on the speech frames of
 * an energy VAD, mean-normalised over those frames; and the long-term statistics of a full-band
 * MFCC over the same frames (long-term-cepstrum.ts).
 *
 * The filterbank stops at 3.7 kHz on purpose: 8 kHz telephone audio arrives here resampled to
 * 16 kHz (src/audio), with nothing above 4 kHz, and a voiceprint enrolled from wideband audio
 * must score the same caller on the phone. Restricting every input to the band both have makes
 * one model serve both, at a small cost in accuracy on wideband audio.
 */
import {
  cmvn,
  createMatrix,
  detectSpeech,
  MfccExtractor,
  type FeatureMatrix,
} from '../../audio/features/index.js';
import type { CepstralSums } from './long-term-cepstrum.js';

/** The feature configuration a model was trained with (stored in the model file). */
export interface SpeakerFeatureConfig {
  readonly numFilters: number;
  readonly numCeps: number;
  readonly lowFreqHz: number;
  readonly highFreqHz: number;
  /** Fewer speech frames than this and every frame is used instead (VAD found next to nothing). */
  readonly minSpeechFrames: number;
  /** Mel filters of the full-band MFCC behind the long-term cepstral statistics. */
  readonly ltcsNumFilters: number;
}

export const DEFAULT_SPEAKER_FEATURES: SpeakerFeatureConfig = Object.freeze({
  numFilters: 24,
  numCeps: 20,
  lowFreqHz: 20,
  highFreqHz: 3700,
  minSpeechFrames: 50,
  ltcsNumFilters: 40,
});

/** Speech-frame features of one utterance and how much net speech they stand for. */
export interface SpeakerFeatures {
  /** frames × (3·numCeps), speech frames only, mean-normalised over them. */
  readonly features: FeatureMatrix;
  /** Net speech, seconds (speech frames × 10 ms). */
  readonly netSpeechSeconds: number;
  /** Sums of the full-band c1…c(numCeps−1) over the same frames (long-term statistics). */
  readonly cepstral: CepstralSums;
}

const FRAME_SHIFT_SEC = 0.01;

/** Options of {@link SpeakerFeatureExtractor.extract}. */
export interface ExtractOptions {
  /**
   * Keep the speech frames only, however few. By default an utterance in which the VAD finds
   * fewer than `minSpeechFrames` uses every frame instead (a short upload is all speech); a
   * segment of a longer stream must not, or its silence would count as voice.
   */
  readonly speechOnly?: boolean;
}

/**
 * Extracts {@link SpeakerFeatures} from 16 kHz mono samples. Build one per configuration and
 * reuse it; not re-entrant (everything is synchronous).
 *
 * ### Examples
 * ```ts
 * const extractor = new SpeakerFeatureExtractor(DEFAULT_SPEAKER_FEATURES);
 * const { features, netSpeechSeconds } = extractor.extract(audio.samples);
 * ```
 */
export class SpeakerFeatureExtractor {
  readonly config: SpeakerFeatureConfig;
  readonly dims: number;
  readonly #mfcc: MfccExtractor;
  readonly #fullBand: MfccExtractor;

  constructor(config: SpeakerFeatureConfig = DEFAULT_SPEAKER_FEATURES) {
    this.config = config;
    this.#mfcc = new MfccExtractor({
      sampleRate: 16000,
      numFilters: config.numFilters,
      numCeps: config.numCeps,
      lowFreq: config.lowFreqHz,
      highFreq: config.highFreqHz,
    });
    this.#fullBand = new MfccExtractor({
      sampleRate: 16000,
      numFilters: config.ltcsNumFilters,
      numCeps: config.numCeps,
    });
    this.dims = config.numCeps * 3;
  }

  extract(samples: Float32Array, options: ExtractOptions = {}): SpeakerFeatures {
    const all = this.#mfcc.features(samples, { deltaOrder: 2, cmvn: 'none' });
    const vad = detectSpeech(samples, { sampleRate: 16000 });
    const frames = all.frames;
    let speech = 0;
    for (let t = 0; t < frames; t++) if (vad.speech[t] === true) speech++;
    const useAll = options.speechOnly !== true && speech < this.config.minSpeechFrames;
    const kept = useAll ? frames : speech;
    const dims = all.dims;
    const selected = createMatrix(kept, dims);
    if (useAll) selected.data.set(all.data);
    else {
      let row = 0;
      for (let t = 0; t < frames; t++) {
        if (vad.speech[t] !== true) continue;
        selected.data.set(all.data.subarray(t * dims, (t + 1) * dims), row * dims);
        row++;
      }
    }
    const ceps = this.config.numCeps;
    const full = this.#fullBand.mfcc(samples);
    const sum = new Float64Array(ceps - 1);
    const sumSq = new Float64Array(ceps - 1);
    for (let t = 0; t < full.frames; t++) {
      if (!useAll && vad.speech[t] !== true) continue;
      const row = t * ceps;
      for (let i = 1; i < ceps; i++) {
        const v = full.data[row + i]!;
        sum[i - 1] = sum[i - 1]! + v;
        sumSq[i - 1] = sumSq[i - 1]! + v * v;
      }
    }
    // Mean only, as Kaldi's speaker recipes do: the variance of a few seconds is itself a
    // speaker trait worth keeping.
    if (kept > 1) cmvn(selected, { normalizeVariance: false }, selected);
    return {
      features: selected,
      netSpeechSeconds: speech * FRAME_SHIFT_SEC,
      cepstral: { sum, sumSq, frames: kept },
    };
  }
}
