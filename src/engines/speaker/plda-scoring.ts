/**
 * Pair scores of embeddings: the cosine (a dot product of unit vectors) or the two-covariance
 * PLDA log-likelihood ratio of "same speaker" against "different speakers". In PLDA's
 * diagonalised space (within-speaker covariance I, between-speaker diag(ψ)), for one embedding
 * on each side:
 *
 *     llr(x₁, x₂) = Σᵢ Pᵢ·x₁ᵢ·x₂ᵢ − ½·Qᵢ·(x₁ᵢ² + x₂ᵢ²) + K
 *     Pᵢ = ψᵢ/(2ψᵢ + 1),  Qᵢ = (ψᵢ + 1)/(2ψᵢ + 1) − 1/(ψᵢ + 1),  K = Σᵢ log(ψᵢ + 1) − ½·log(2ψᵢ + 1)
 *
 * Both kinds reduce to one form, `u₁·u₂ + o₁ + o₂ + K`, with a vector u and an offset o per side
 * ({@link PreparedEmbedding}) computed once per embedding: so a watchlist search stays one dot
 * product per voiceprint whichever backend the model has.
 */

/** PLDA parameters on the model's embeddings. */
export interface PldaParams {
  readonly dim: number;
  readonly mean: Float64Array;
  /** A (dim × dim, row-major): x = A·(e − mean). */
  readonly transform: Float64Array;
  /** Between-speaker variances ψ in the diagonalised space. */
  readonly psi: Float64Array;
}

/** One side of a pair score, ready for dot products. */
export interface PreparedEmbedding {
  readonly vector: Float32Array;
  readonly offset: number;
}

/**
 * Scores pairs of embeddings by cosine (no PLDA given) or by PLDA.
 *
 * ### Examples
 * ```ts
 * const scorer = new PairScorer(plda);
 * const a = scorer.prepare(embeddingA);
 * scorer.score(a, scorer.prepare(embeddingB));
 * ```
 */
export class PairScorer {
  readonly kind: 'cosine' | 'plda';
  /** The constant K of every score. */
  readonly constant: number;
  readonly #plda: PldaParams | undefined;
  readonly #sqrtP: Float64Array | undefined;
  readonly #halfQ: Float64Array | undefined;
  readonly #centred: Float64Array;

  constructor(plda?: PldaParams) {
    this.kind = plda === undefined ? 'cosine' : 'plda';
    this.#plda = plda;
    if (plda === undefined) {
      this.constant = 0;
      this.#centred = new Float64Array(0);
      return;
    }
    const n = plda.dim;
    if (plda.mean.length !== n || plda.transform.length !== n * n || plda.psi.length !== n)
      throw new RangeError('PLDA parameter arrays do not match its dimension');
    this.#sqrtP = new Float64Array(n);
    this.#halfQ = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const psi = plda.psi[i]!;
      this.#sqrtP[i] = Math.sqrt(psi / (2 * psi + 1));
      this.#halfQ[i] = 0.5 * ((psi + 1) / (2 * psi + 1) - 1 / (psi + 1));
      k += Math.log(psi + 1) - 0.5 * Math.log(2 * psi + 1);
    }
    this.constant = k;
    this.#centred = new Float64Array(n);
  }

  /** The vector and offset of one side. */
  prepare(embedding: Float32Array): PreparedEmbedding {
    const plda = this.#plda;
    if (plda === undefined) return { vector: embedding, offset: 0 };
    const n = plda.dim;
    if (embedding.length !== n)
      throw new RangeError(`embedding has ${embedding.length} dims, PLDA ${n}`);
    const c = this.#centred;
    for (let i = 0; i < n; i++) c[i] = embedding[i]! - plda.mean[i]!;
    const vector = new Float32Array(n);
    let offset = 0;
    const a = plda.transform;
    for (let r = 0; r < n; r++) {
      let x = 0;
      const base = r * n;
      for (let j = 0; j < n; j++) x += a[base + j]! * c[j]!;
      vector[r] = this.#sqrtP![r]! * x;
      offset -= this.#halfQ![r]! * x * x;
    }
    return { vector, offset };
  }

  /** The pair score of two prepared sides (symmetric). */
  score(a: PreparedEmbedding, b: PreparedEmbedding): number {
    let s = 0;
    const u = a.vector;
    const v = b.vector;
    for (let i = 0; i < u.length; i++) s += u[i]! * v[i]!;
    return s + a.offset + b.offset + this.constant;
  }
}
