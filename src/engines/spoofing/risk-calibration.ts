/**
 * From the detector's log-likelihood ratio to Voice ID's 0–100 `RiskScore` (100 = certainly
 * spoofed).
 *
 *   riskScore = ⌊100 · σ(slope · (llr − llrAt50))⌋, σ(z) = 1 / (1 + e^−z), at most 100
 *
 * `llrAt50` is not where the classes cross: it is set so that genuine callers stay below Voice
 * ID's default RiskThreshold of 50 (a quantile of the calibration speakers' bona fide scores,
 * in the worst of their channels); the floor makes `riskScore ≥ 50` exactly `llr ≥ llrAt50`.
 * `slope` is fitted by logistic regression with that offset fixed, so the scale above and below
 * 50 follows how fast the evidence grows. Monotone in the llr by construction.
 */

/** Voice ID's default RiskThreshold, the point the calibration places. */
export const SPOOFING_RISK_THRESHOLD = 50;

export interface RiskCalibration {
  readonly slope: number;
  readonly llrAt50: number;
}

/**
 * The 0–100 integer risk of a log-likelihood ratio (spoof over bona fide, per frame).
 *
 * ### Examples
 * ```ts
 * riskScore({ slope: 2, llrAt50: 0.5 }, 0.5); // 50
 * riskScore({ slope: 2, llrAt50: 0.5 }, -3); // 0
 * ```
 */
export function riskScore(calibration: RiskCalibration, llr: number): number {
  if (Number.isNaN(llr)) return 0;
  const p = 1 / (1 + Math.exp(-calibration.slope * (llr - calibration.llrAt50)));
  return Math.min(100, Math.floor(100 * p));
}

/**
 * The `q` quantile of `values` (linear interpolation between order statistics).
 *
 * ### Examples
 * ```ts
 * quantile([1, 2, 3, 4, 5], 0.5); // 3
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** What {@link fitRiskCalibration} needs: llrs of held-out calibration speakers. */
export interface CalibrationScores {
  /** Bona fide llrs per channel (16 kHz, telephone, each codec). */
  readonly bonafide: Readonly<Record<string, readonly number[]>>;
  /** Spoofed llrs, every attack and channel pooled. */
  readonly spoof: readonly number[];
}

/**
 * Sets `llrAt50` to the `bonafideQuantile` of the bona fide scores in the channel where that
 * quantile is highest, then fits `slope` (Newton's method on the prior-weighted cross-entropy:
 * both classes weigh half, whatever their counts).
 *
 * ### Examples
 * ```ts
 * const calibration = fitRiskCalibration({ bonafide: { '16k': b16, '8k': b8 }, spoof }, 0.995);
 * ```
 */
export function fitRiskCalibration(
  scores: CalibrationScores,
  bonafideQuantile: number,
): RiskCalibration {
  const channels = Object.values(scores.bonafide).filter((v) => v.length > 0);
  if (channels.length === 0 || scores.spoof.length === 0)
    throw new RangeError('calibration needs bona fide and spoofed scores');
  const llrAt50 = Math.max(...channels.map((v) => quantile(v, bonafideQuantile)));
  const bonafide = channels.flat();
  const wb = 0.5 / bonafide.length;
  const ws = 0.5 / scores.spoof.length;
  let slope = 1;
  for (let iter = 0; iter < 100; iter++) {
    let g = 0;
    let h = 1e-9;
    const visit = (llr: number, y: number, w: number): void => {
      const x = llr - llrAt50;
      const p = 1 / (1 + Math.exp(-slope * x));
      g += w * (p - y) * x;
      h += w * p * (1 - p) * x * x;
    };
    for (const v of bonafide) visit(v, 0, wb);
    for (const v of scores.spoof) visit(v, 1, ws);
    const step = g / h;
    slope = Math.max(slope - step, 1e-3);
    if (Math.abs(step) < 1e-10) break;
  }
  return { slope, llrAt50 };
}
