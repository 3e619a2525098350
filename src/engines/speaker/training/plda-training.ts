/**
 * Two-covariance PLDA (Ioffe 2006; Prince & Elder 2007; the form Kaldi scores with) on training
 * embeddings: an embedding is x = m + y + ε with the speaker's y ~ N(0, Φb) and the session's
 * ε ~ N(0, Φw). The covariances are moment estimates from the speaker-labelled training
 * embeddings (within-speaker scatter for Φw; between-speaker scatter of the speaker means,
 * less the part of Φw that a mean of n embeddings keeps, for Φb), then diagonalised together:
 * A·Φw·Aᵀ = I and A·Φb·Aᵀ = diag(ψ). See plda-scoring.ts for the score.
 */
import type { PldaParams } from '../plda-scoring.js';
import {
  choleskyInPlace,
  lowerTriangularInverse,
  matMul,
  symmetricEigen,
} from '../linear-algebra.js';
import { scatterMatrices, type LabelledVector } from './backend-training.js';

/** Between-speaker variances below this (in within-speaker units) are clamped here. */
const MIN_PSI = 1e-4;

/**
 * Trains PLDA on `vectors` (dim n, labelled by speaker).
 *
 * ### Examples
 * ```ts
 * const plda = trainPlda(embeddings, 80);
 * ```
 */
export function trainPlda(vectors: readonly LabelledVector[], n: number): PldaParams {
  const mean = new Float64Array(n);
  for (const v of vectors) for (let i = 0; i < n; i++) mean[i] = mean[i]! + v.vector[i]!;
  for (let i = 0; i < n; i++) mean[i] = mean[i]! / vectors.length;
  const { within, between } = scatterMatrices(vectors, n);
  const speakers = new Set(vectors.map((v) => v.speaker)).size;
  const perSpeaker = vectors.length / speakers;
  const phiB = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) phiB[i] = between[i]! - within[i]! / perSpeaker;
  const w = Float64Array.from(within);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += w[i * n + i]!;
  for (let i = 0; i < n; i++) w[i * n + i] = w[i * n + i]! + (1e-6 * trace) / n;
  choleskyInPlace(w, n);
  const li = lowerTriangularInverse(w, n);
  const lit = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lit[j * n + i] = li[i * n + j]!;
  const m = matMul(matMul(li, phiB, n, n, n), lit, n, n, n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (m[i * n + j]! + m[j * n + i]!);
      m[i * n + j] = s;
      m[j * n + i] = s;
    }
  const { values, vectors: eig } = symmetricEigen(m, n);
  const transform = matMul(eig, li, n, n, n);
  const psi = Float64Array.from(values, (v) => Math.max(v, MIN_PSI));
  return { dim: n, mean, transform, psi };
}
