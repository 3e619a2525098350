/**
 * Trains the embedding backend on labelled training i-vectors: mean, then LDA (directions that
 * maximise between-speaker over within-speaker variance) and WCCN (whitening of what
 * within-speaker variance is left), combined into one projection.
 */
import type { BackendParams } from '../embedding-backend.js';
import {
  choleskyInPlace,
  inverseSpd,
  lowerTriangularInverse,
  matMul,
  normalizeInPlace,
  symmetricEigen,
} from '../linear-algebra.js';

/** A training i-vector and its speaker. */
export interface LabelledVector {
  readonly speaker: string;
  readonly vector: Float64Array;
}

/**
 * Within- and between-class scatter of `vectors` (dim n), each normalised by the number of
 * vectors; classes weigh by their size.
 */
export function scatterMatrices(
  vectors: readonly LabelledVector[],
  n: number,
): { within: Float64Array; between: Float64Array } {
  const groups = new Map<string, Float64Array[]>();
  for (const v of vectors) {
    const list = groups.get(v.speaker) ?? [];
    list.push(v.vector);
    groups.set(v.speaker, list);
  }
  const total = new Float64Array(n);
  for (const v of vectors) for (let i = 0; i < n; i++) total[i] = total[i]! + v.vector[i]!;
  for (let i = 0; i < n; i++) total[i] = total[i]! / vectors.length;
  const within = new Float64Array(n * n);
  const between = new Float64Array(n * n);
  const diff = new Float64Array(n);
  for (const list of groups.values()) {
    const mean = new Float64Array(n);
    for (const v of list) for (let i = 0; i < n; i++) mean[i] = mean[i]! + v[i]!;
    for (let i = 0; i < n; i++) mean[i] = mean[i]! / list.length;
    for (const v of list) {
      for (let i = 0; i < n; i++) diff[i] = v[i]! - mean[i]!;
      addOuter(within, diff, n, 1);
    }
    for (let i = 0; i < n; i++) diff[i] = mean[i]! - total[i]!;
    addOuter(between, diff, n, list.length);
  }
  for (let i = 0; i < n * n; i++) {
    within[i] = within[i]! / vectors.length;
    between[i] = between[i]! / vectors.length;
  }
  return { within, between };
}

function addOuter(m: Float64Array, v: Float64Array, n: number, weight: number): void {
  for (let i = 0; i < n; i++) {
    const vi = v[i]! * weight;
    if (vi === 0) continue;
    for (let j = 0; j < n; j++) m[i * n + j] = m[i * n + j]! + vi * v[j]!;
  }
}

/**
 * Trains mean + LDA(→ `embeddingDim`) + WCCN on training i-vectors.
 *
 * ### Examples
 * ```ts
 * const backend = trainBackend(ivectors, 100, 80);
 * const e = embed(backend, ivector);
 * ```
 */
export function trainBackend(
  vectors: readonly LabelledVector[],
  ivectorDim: number,
  embeddingDim: number,
): BackendParams {
  const r = ivectorDim;
  const mean = new Float64Array(r);
  for (const v of vectors) for (let i = 0; i < r; i++) mean[i] = mean[i]! + v.vector[i]!;
  for (let i = 0; i < r; i++) mean[i] = mean[i]! / vectors.length;
  const normalised = vectors.map((v) => {
    const x = new Float64Array(r);
    for (let i = 0; i < r; i++) x[i] = v.vector[i]! - mean[i]!;
    normalizeInPlace(x);
    return { speaker: v.speaker, vector: x };
  });

  // LDA: with Sw = L·Lᵀ, the eigenvectors v of L⁻¹·Sb·L⁻ᵀ give the directions L⁻ᵀ·v.
  const { within, between } = scatterMatrices(normalised, r);
  const reg = Float64Array.from(within);
  let trace = 0;
  for (let i = 0; i < r; i++) trace += within[i * r + i]!;
  for (let i = 0; i < r; i++) reg[i * r + i] = reg[i * r + i]! + (1e-6 * trace) / r;
  choleskyInPlace(reg, r);
  const li = lowerTriangularInverse(reg, r);
  const lit = transpose(li, r, r);
  const m = matMul(matMul(li, between, r, r, r), lit, r, r, r);
  for (let i = 0; i < r; i++)
    for (let j = i + 1; j < r; j++) {
      const s = 0.5 * (m[i * r + j]! + m[j * r + i]!);
      m[i * r + j] = s;
      m[j * r + i] = s;
    }
  const { vectors: eig } = symmetricEigen(m, r);
  const dim = Math.min(embeddingDim, r);
  // Rows of the LDA projection: (L⁻ᵀ·v_k)ᵀ = v_kᵀ·L⁻¹.
  const lda = matMul(eig.subarray(0, dim * r), li, dim, r, r);

  // WCCN in the LDA space: W⁻¹ = B·Bᵀ, y ↦ Bᵀ·y.
  const projected = normalised.map((v) => ({
    speaker: v.speaker,
    vector: matMul(lda, v.vector, dim, r, 1),
  }));
  const w = scatterMatrices(projected, dim).within;
  for (let i = 0; i < dim; i++) w[i * dim + i] = w[i * dim + i]! + 1e-9;
  const b = inverseSpd(w, dim);
  choleskyInPlace(b, dim);
  for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) b[i * dim + j] = 0;
  const projection = matMul(transpose(b, dim, dim), lda, dim, dim, r);
  return { ivectorDim: r, embeddingDim: dim, mean, projection };
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}
