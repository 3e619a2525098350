/**
 * The naive baseline the benchmark compares against: per utterance, the mean and standard
 * deviation of each MFCC (c1..c19, speech frames) as one vector, compared by cosine. No
 * training, no normalisation: what the trained model has to beat clearly.
 */
import { detectSpeech, MfccExtractor } from '../../audio/features/index.js';

/** Summary statistics of one or more utterances: sums to pool enrollment utterances. */
export interface NaiveSums {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly frames: number;
}

const CEPS = 20;

/**
 * The naive baseline. Stateless apart from the extractor's scratch buffers.
 *
 * ### Examples
 * ```ts
 * const naive = new NaiveBaseline();
 * const enrolled = naive.vector(naive.pool([naive.sums(a), naive.sums(b)]));
 * naive.cosine(enrolled, naive.vector(naive.sums(test)));
 * ```
 */
export class NaiveBaseline {
  readonly #mfcc = new MfccExtractor({ sampleRate: 16000, numCeps: CEPS });

  sums(samples: Float32Array): NaiveSums {
    const m = this.#mfcc.mfcc(samples);
    const vad = detectSpeech(samples);
    const sum = new Float64Array(CEPS - 1);
    const sumSq = new Float64Array(CEPS - 1);
    let frames = 0;
    for (let t = 0; t < m.frames; t++) {
      if (vad.speech[t] !== true) continue;
      frames++;
      for (let d = 1; d < CEPS; d++) {
        const v = m.data[t * CEPS + d]!;
        sum[d - 1] = sum[d - 1]! + v;
        sumSq[d - 1] = sumSq[d - 1]! + v * v;
      }
    }
    return { sum, sumSq, frames };
  }

  pool(all: readonly NaiveSums[]): NaiveSums {
    const sum = new Float64Array(CEPS - 1);
    const sumSq = new Float64Array(CEPS - 1);
    let frames = 0;
    for (const s of all) {
      frames += s.frames;
      for (let d = 0; d < CEPS - 1; d++) {
        sum[d] = sum[d]! + s.sum[d]!;
        sumSq[d] = sumSq[d]! + s.sumSq[d]!;
      }
    }
    return { sum, sumSq, frames };
  }

  /** [means | standard deviations]. */
  vector(s: NaiveSums): Float64Array {
    const n = Math.max(s.frames, 1);
    const v = new Float64Array(2 * (CEPS - 1));
    for (let d = 0; d < CEPS - 1; d++) {
      const mean = s.sum[d]! / n;
      v[d] = mean;
      v[CEPS - 1 + d] = Math.sqrt(Math.max(s.sumSq[d]! / n - mean * mean, 0));
    }
    return v;
  }

  cosine(a: Float64Array, b: Float64Array): number {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += a[i]! * b[i]!;
      aa += a[i]! * a[i]!;
      bb += b[i]! * b[i]!;
    }
    return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  }
}
