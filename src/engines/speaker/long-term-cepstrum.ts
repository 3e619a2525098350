/**
 * Long-term cepstral statistics (LTCS): the mean and standard deviation of each static cepstrum
 * (c1…c19 of a full-band MFCC) over an utterance's speech frames, without normalisation. They
 * describe the speaker's average spectral envelope and recording channel — what the i-vector
 * features normalise away — and compared by cosine they are a weak system alone (the naive
 * baseline) but a strongly complementary one: the model fuses both scores
 * (see score-calibration.ts). Standardising the dimensions did not help on the dev speakers.
 */

/** Sums over speech frames, so several utterances pool by adding. */
export interface CepstralSums {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly frames: number;
}

/** The sums of several utterances together. */
export function poolCepstralSums(all: readonly CepstralSums[]): CepstralSums {
  const head = all[0];
  if (head === undefined) throw new RangeError('poolCepstralSums needs at least one utterance');
  const sum = Float64Array.from(head.sum);
  const sumSq = Float64Array.from(head.sumSq);
  let frames = head.frames;
  for (let u = 1; u < all.length; u++) {
    const s = all[u]!;
    frames += s.frames;
    for (let i = 0; i < sum.length; i++) {
      sum[i] = sum[i]! + s.sum[i]!;
      sumSq[i] = sumSq[i]! + s.sumSq[i]!;
    }
  }
  return { sum, sumSq, frames };
}

/** [means | standard deviations] of the sums (2 × dims values, unstandardised). */
export function ltcsRaw(sums: CepstralSums): Float64Array {
  const dims = sums.sum.length;
  const n = Math.max(sums.frames, 1);
  const v = new Float64Array(2 * dims);
  for (let i = 0; i < dims; i++) {
    const mean = sums.sum[i]! / n;
    v[i] = mean;
    v[dims + i] = Math.sqrt(Math.max(sums.sumSq[i]! / n - mean * mean, 0));
  }
  return v;
}

/**
 * The unit-length LTCS vector of `sums`: cosine similarity of two of them is their dot product.
 *
 * ### Examples
 * ```ts
 * const v = ltcsVector(poolCepstralSums([a, b, c]));
 * ```
 */
export function ltcsVector(sums: CepstralSums): Float32Array {
  const raw = ltcsRaw(sums);
  const out = new Float32Array(raw.length);
  let norm = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    out[i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  }
  return out;
}
