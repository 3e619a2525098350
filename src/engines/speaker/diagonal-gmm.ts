/**
 * A diagonal-covariance Gaussian mixture (the universal background model): per-frame component
 * log-likelihoods and posteriors, with everything that does not depend on the frame
 * precomputed so one component costs two multiply-adds per dimension.
 */

const LOG_2PI = Math.log(2 * Math.PI);

/** Parameters of a diagonal GMM: C components over D dimensions, row-major C × D. */
export interface GmmParams {
  readonly components: number;
  readonly dims: number;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly variances: Float64Array;
}

/**
 * An immutable diagonal GMM ready for evaluation.
 *
 * ### Examples
 * ```ts
 * const ubm = new DiagonalGmm(params);
 * const post = new Float64Array(ubm.components);
 * const logLik = ubm.posteriors(features.data, t * ubm.dims, post); // post sums to 1
 * ```
 */
export class DiagonalGmm implements GmmParams {
  readonly components: number;
  readonly dims: number;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly variances: Float64Array;
  /** log w_c − ½(D·log 2π + Σ log σ²) − ½ Σ μ²/σ². */
  readonly #gconst: Float64Array;
  /** μ/σ² (C × D). */
  readonly #meanOverVar: Float64Array;
  /** −½/σ² (C × D). */
  readonly #minusHalfPrecision: Float64Array;
  readonly #scratch: Float64Array;
  /** gconst over the first `#selectDims` dimensions only (for Gaussian selection). */
  readonly #gconstHead: Float64Array;
  readonly #selectDims: number;
  readonly #headScores: Float64Array;

  /**
   * `selectDims`: how many leading dimensions (the static cepstra) rank the components in
   * {@link selectedPosteriors}; all of them by default.
   */
  constructor(params: GmmParams, selectDims = params.dims) {
    const { components: c, dims: d } = params;
    if (
      params.weights.length !== c ||
      params.means.length !== c * d ||
      params.variances.length !== c * d
    )
      throw new RangeError('GMM parameter arrays do not match components × dims');
    this.components = c;
    this.dims = d;
    this.weights = params.weights;
    this.means = params.means;
    this.variances = params.variances;
    this.#gconst = new Float64Array(c);
    this.#gconstHead = new Float64Array(c);
    this.#selectDims = Math.max(1, Math.min(selectDims, d));
    this.#headScores = new Float64Array(c);
    this.#meanOverVar = new Float64Array(c * d);
    this.#minusHalfPrecision = new Float64Array(c * d);
    for (let k = 0; k < c; k++) {
      const logWeight = Math.log(Math.max(params.weights[k]!, 1e-300));
      let g = logWeight - 0.5 * d * LOG_2PI;
      let head = logWeight - 0.5 * this.#selectDims * LOG_2PI;
      for (let j = 0; j < d; j++) {
        const v = params.variances[k * d + j]!;
        const m = params.means[k * d + j]!;
        g -= 0.5 * (Math.log(v) + (m * m) / v);
        if (j < this.#selectDims) head -= 0.5 * (Math.log(v) + (m * m) / v);
        this.#meanOverVar[k * d + j] = m / v;
        this.#minusHalfPrecision[k * d + j] = -0.5 / v;
      }
      this.#gconst[k] = g;
      this.#gconstHead[k] = head;
    }
    this.#scratch = new Float64Array(d);
  }

  /**
   * log w_c·N(x; μ_c, σ²_c) of every component for the frame at `data[offset .. offset + D)`,
   * into `out` (C values).
   */
  componentLogLikelihoods(data: ArrayLike<number>, offset: number, out: Float64Array): void {
    const d = this.dims;
    const x = this.#scratch;
    for (let j = 0; j < d; j++) x[j] = data[offset + j]!;
    const g = this.#gconst;
    const a = this.#meanOverVar;
    const b = this.#minusHalfPrecision;
    for (let k = 0, base = 0; k < this.components; k++, base += d) {
      let s = g[k]!;
      for (let j = 0; j < d; j++) {
        const v = x[j]!;
        s += v * (a[base + j]! + v * b[base + j]!);
      }
      out[k] = s;
    }
  }

  /**
   * Gaussian selection: ranks every component by its likelihood over the leading `selectDims`
   * dimensions only, then computes the full posteriors of the best `k` (renormalised among
   * them). `indices` receives the components, `out` their posteriors (k values each).
   * About 2.5× cheaper than {@link posteriors} with 60 dims, 20 leading and k = 20; the
   * posterior mass outside the top 20 of 256 is negligible for speech frames.
   */
  selectedPosteriors(
    data: ArrayLike<number>,
    offset: number,
    k: number,
    indices: Int32Array,
    out: Float64Array,
  ): void {
    const d = this.dims;
    const h = this.#selectDims;
    const x = this.#scratch;
    for (let j = 0; j < d; j++) x[j] = data[offset + j]!;
    const a = this.#meanOverVar;
    const b = this.#minusHalfPrecision;
    const head = this.#headScores;
    const gh = this.#gconstHead;
    for (let c = 0, base = 0; c < this.components; c++, base += d) {
      let s = gh[c]!;
      for (let j = 0; j < h; j++) {
        const v = x[j]!;
        s += v * (a[base + j]! + v * b[base + j]!);
      }
      head[c] = s;
    }
    // Top k by insertion into a descending list (k ≪ C).
    let filled = 0;
    for (let c = 0; c < this.components; c++) {
      const s = head[c]!;
      if (filled === k && s <= head[indices[k - 1]!]!) continue;
      let i = filled < k ? filled++ : k - 1;
      while (i > 0 && head[indices[i - 1]!]! < s) {
        indices[i] = indices[i - 1]!;
        i--;
      }
      indices[i] = c;
    }
    const g = this.#gconst;
    for (let i = 0; i < filled; i++) {
      const c = indices[i]!;
      const base = c * d;
      let s = g[c]!;
      for (let j = 0; j < d; j++) {
        const v = x[j]!;
        s += v * (a[base + j]! + v * b[base + j]!);
      }
      out[i] = s;
    }
    normalizeLogProbabilities(out, filled);
  }

  /**
   * Component posteriors of one frame into `out` (C values summing to 1); returns the frame's
   * log-likelihood log Σ_c w_c·N(x; μ_c, σ²_c).
   */
  posteriors(data: ArrayLike<number>, offset: number, out: Float64Array): number {
    this.componentLogLikelihoods(data, offset, out);
    return normalizeLogProbabilities(out, this.components);
  }
}

/** Turns log values into probabilities in place (softmax); returns log Σ exp. */
export function normalizeLogProbabilities(values: Float64Array, n: number): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) if (values[k]! > max) max = values[k]!;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = Math.exp(values[k]! - max);
    values[k] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let k = 0; k < n; k++) values[k] = values[k]! * inv;
  return max + Math.log(sum);
}
