/**
 * Many voiceprints in one flat Float32Array (N rows of the embedding followed by the long-term
 * cepstral statistics, both unit vectors) with their cohort statistics, for watchlist search:
 * one pass of dot products, the AS-norm and the fusion applied on the fly, and a bounded top-k
 * selection. 100,000 voiceprints are a few tens of milliseconds on one core.
 */
import { catalog, voxError } from '../../errors/index.js';
import { durationQuality, type Fusion } from './score-calibration.js';
import type { UtteranceEmbedding } from './speaker-model.js';
import type { Voiceprint } from './voiceprint.js';

/** A hit: which voiceprint, and its fused log-odds. */
export interface IndexHit {
  readonly index: number;
  readonly logOdds: number;
}

/**
 * A search index over voiceprints of one model.
 *
 * ### Examples
 * ```ts
 * const index = VoiceprintIndex.build(model.version, watchlist);
 * const hits = model.search(audio, index, 5); // [{ index, score0to100, rawScore, … }]
 * ```
 */
export class VoiceprintIndex {
  readonly modelVersion: string;
  readonly size: number;
  /** Embedding dimensions; each row holds these plus {@link ltcsDims}. */
  readonly dims: number;
  readonly ltcsDims: number;
  readonly #matrix: Float32Array;
  readonly #means: Float32Array;
  readonly #invStds: Float32Array;
  /** Each voiceprint's duration quality (q of its net speech; see score-calibration.ts). */
  readonly #quality: Float32Array;

  private constructor(
    modelVersion: string,
    dims: number,
    ltcsDims: number,
    matrix: Float32Array,
    means: Float32Array,
    invStds: Float32Array,
    quality: Float32Array,
  ) {
    this.modelVersion = modelVersion;
    this.dims = dims;
    this.ltcsDims = ltcsDims;
    this.size = means.length;
    this.#matrix = matrix;
    this.#means = means;
    this.#invStds = invStds;
    this.#quality = quality;
  }

  /** Builds the index; throws `SpeakerModelMismatch` for a voiceprint of another model. */
  static build(modelVersion: string, voiceprints: readonly Voiceprint[]): VoiceprintIndex {
    const dims = voiceprints[0]?.embedding.length ?? 0;
    const ltcsDims = voiceprints[0]?.ltcs.length ?? 0;
    const row = dims + ltcsDims;
    const matrix = new Float32Array(voiceprints.length * row);
    const means = new Float32Array(voiceprints.length);
    const invStds = new Float32Array(voiceprints.length);
    const quality = new Float32Array(voiceprints.length);
    voiceprints.forEach((v, i) => {
      if (v.modelVersion !== modelVersion)
        throw voxError(catalog.SpeakerModelMismatch, {
          voiceprintModel: v.modelVersion,
          serverModel: modelVersion,
        });
      if (v.embedding.length !== dims || v.ltcs.length !== ltcsDims)
        throw new RangeError('voiceprints differ in dimension');
      matrix.set(v.embedding, i * row);
      matrix.set(v.ltcs, i * row + dims);
      means[i] = v.cohort.mean;
      invStds[i] = 1 / v.cohort.std;
      quality[i] = durationQuality(v.netSpeechSeconds);
    });
    return new VoiceprintIndex(modelVersion, dims, ltcsDims, matrix, means, invStds, quality);
  }

  /** The `k` voiceprints with the highest fused log-odds for `utterance`, best first. */
  search(utterance: UtteranceEmbedding, fusion: Fusion, k: number): IndexHit[] {
    const n = this.size;
    const dims = this.dims;
    const ltcsDims = this.ltcsDims;
    const row = dims + ltcsDims;
    const m = this.#matrix;
    const means = this.#means;
    const invStds = this.#invStds;
    const embedding = utterance.embedding;
    const ltcs = utterance.ltcs;
    const tMean = utterance.cohort.mean;
    const tInv = 1 / utterance.cohort.std;
    // log-odds = w_i·½((s − μ_e)/σ_e + (s − μ_t)/σ_t) + w_l·s_ltcs + b, where with duration
    // terms each of w_i, w_l, b also moves with q = min(q_voiceprint, q_utterance) (q is
    // monotone in seconds, so that is q of the smaller net speech).
    const wi = 0.5 * fusion.ivectorWeight;
    const wl = fusion.ltcsWeight;
    const b = fusion.offset;
    const d = fusion.duration;
    const dwi = 0.5 * (d?.ivectorWeight ?? 0);
    const dwl = d?.ltcsWeight ?? 0;
    const db = d?.offset ?? 0;
    const quality = this.#quality;
    const tq = durationQuality(utterance.netSpeechSeconds);
    const top = Math.max(0, Math.min(k, n));
    if (top === 0) return [];
    // A small sorted buffer (ascending) of the best scores so far: k is small, N is large.
    const bestScores = new Float64Array(top).fill(-Infinity);
    const bestIndex = new Int32Array(top).fill(-1);
    for (let i = 0; i < n; i++) {
      const base = i * row;
      let s = 0;
      for (let d = 0; d < dims; d++) s += m[base + d]! * embedding[d]!;
      let l = 0;
      for (let d = 0; d < ltcsDims; d++) l += m[base + dims + d]! * ltcs[d]!;
      const norm = (s - means[i]!) * invStds[i]! + (s - tMean) * tInv;
      let score = wi * norm + wl * l + b;
      if (d !== undefined) {
        const q = Math.min(quality[i]!, tq);
        score += q * (dwi * norm + dwl * l + db);
      }
      if (score <= bestScores[0]!) continue;
      let j = 0;
      while (j + 1 < top && bestScores[j + 1]! < score) {
        bestScores[j] = bestScores[j + 1]!;
        bestIndex[j] = bestIndex[j + 1]!;
        j++;
      }
      bestScores[j] = score;
      bestIndex[j] = i;
    }
    const hits: IndexHit[] = [];
    for (let j = top - 1; j >= 0; j--)
      if (bestIndex[j]! >= 0) hits.push({ index: bestIndex[j]!, logOdds: bestScores[j]! });
    return hits;
  }
}
