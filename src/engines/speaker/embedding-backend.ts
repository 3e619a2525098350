/**
 * From i-vector to embedding: centre on the training mean, length-normalise, project with
 * LDA followed by WCCN (one matrix), length-normalise again. Cosine similarity of two
 * embeddings is then their dot product.
 */
import { normalizeInPlace } from './linear-algebra.js';

/** The backend's parameters: the i-vector mean (R) and the projection (E × R, row-major). */
export interface BackendParams {
  readonly ivectorDim: number;
  readonly embeddingDim: number;
  readonly mean: Float64Array;
  readonly projection: Float64Array;
}

/**
 * The unit-length embedding of an i-vector.
 *
 * ### Examples
 * ```ts
 * const e = embed(backend, extractor.extract(stats)); // Float32Array, ‖e‖ = 1
 * ```
 */
export function embed(backend: BackendParams, ivector: Float64Array): Float32Array {
  const r = backend.ivectorDim;
  const centred = new Float64Array(r);
  for (let i = 0; i < r; i++) centred[i] = ivector[i]! - backend.mean[i]!;
  normalizeInPlace(centred);
  const out = new Float32Array(backend.embeddingDim);
  const p = backend.projection;
  for (let e = 0; e < backend.embeddingDim; e++) {
    let s = 0;
    const base = e * r;
    for (let i = 0; i < r; i++) s += p[base + i]! * centred[i]!;
    out[e] = s;
  }
  normalizeInPlace(out);
  return out;
}
