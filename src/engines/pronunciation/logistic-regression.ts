/**
 * Logistic regression for calibration: P(positive | x) = σ(w·x + b), fitted by Newton's method
 * (iteratively reweighted least squares) with a small L2 penalty on the weights. The feature
 * counts are tiny (≤ 4), so each step solves a dense (d+1)×(d+1) system directly.
 */

export interface LogisticModel {
  readonly weights: readonly number[];
  readonly bias: number;
}

export interface LogisticFitOptions {
  /** L2 penalty on the weights (not the bias). */
  readonly l2?: number;
  readonly maxIterations?: number;
  /**
   * Weight the classes so each counts as half of the data: the fitted probability is then the
   * posterior under equal priors, whatever the ratio of positives to negatives in the sample.
   */
  readonly balanceClasses?: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Log-odds w·x + b, clamped to ±20 so a probability of exactly 0 or 1 stays finite. */
export function logOdds(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += model.weights[i]! * x[i]!;
  return Math.max(-20, Math.min(20, z));
}

export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  return sigmoid(logOdds(model, x));
}

/** Mean negative log-likelihood of `labels` (1 = positive) under `model`, with sample weights. */
export function logisticLoss(
  model: LogisticModel,
  xs: readonly (readonly number[])[],
  labels: readonly number[],
  sampleWeights?: readonly number[],
): number {
  let loss = 0;
  let total = 0;
  for (let n = 0; n < xs.length; n++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, predictLogistic(model, xs[n]!)));
    const w = sampleWeights?.[n] ?? 1;
    loss -= w * (labels[n] === 1 ? Math.log(p) : Math.log(1 - p));
    total += w;
  }
  return loss / Math.max(total, 1e-12);
}

/**
 * ### Examples
 * ```ts
 * const model = fitLogistic([[-3], [-2], [0], [1]], [0, 0, 1, 1], { balanceClasses: true });
 * predictLogistic(model, [0.5]); // close to 1
 * ```
 */
export function fitLogistic(
  xs: readonly (readonly number[])[],
  labels: readonly number[],
  options: LogisticFitOptions = {},
): LogisticModel {
  if (xs.length === 0 || xs.length !== labels.length)
    throw new RangeError('fitLogistic needs as many labels as samples, and at least one');
  const d = xs[0]!.length;
  const l2 = options.l2 ?? 1e-3;
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  const weightOf = (y: number): number =>
    options.balanceClasses && positives > 0 && negatives > 0
      ? labels.length / (2 * (y === 1 ? positives : negatives))
      : 1;
  // Parameters θ = [w_0 … w_{d-1}, b]; the design row is [x, 1].
  const theta = new Float64Array(d + 1);
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const gradient = new Float64Array(d + 1);
    const hessian = Array.from({ length: d + 1 }, () => new Float64Array(d + 1));
    for (let n = 0; n < xs.length; n++) {
      const x = xs[n]!;
      let z = theta[d]!;
      for (let i = 0; i < d; i++) z += theta[i]! * x[i]!;
      const p = sigmoid(z);
      const w = weightOf(labels[n]!);
      const r = w * (p - labels[n]!);
      const s = w * p * (1 - p);
      for (let i = 0; i <= d; i++) {
        const xi = i < d ? x[i]! : 1;
        gradient[i]! += r * xi;
        for (let j = 0; j <= i; j++) hessian[i]![j]! += s * xi * (j < d ? x[j]! : 1);
      }
    }
    for (let i = 0; i <= d; i++) {
      for (let j = 0; j < i; j++) hessian[j]![i] = hessian[i]![j]!;
      if (i < d) {
        gradient[i]! += l2 * xs.length * theta[i]!;
        hessian[i]![i]! += l2 * xs.length;
      }
      hessian[i]![i]! += 1e-9 * xs.length;
    }
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let i = 0; i <= d; i++) {
      theta[i]! -= step[i]!;
      largest = Math.max(largest, Math.abs(step[i]!));
    }
    if (largest < 1e-9) break;
  }
  return { weights: Array.from(theta.subarray(0, d)), bias: theta[d]! };
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and SPD here). */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => {
    const r = new Float64Array(n + 1);
    r.set(row);
    r[n] = b[i]!;
    return r;
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-300) continue;
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    const p = m[r]![r]!;
    x[r] = Math.abs(p) < 1e-300 ? 0 : s / p;
  }
  return x;
}
