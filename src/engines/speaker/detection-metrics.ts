/**
 * Detection error measures of a verification system from its target and non-target trial
 * scores: the equal error rate and the minimum normalised detection cost (NIST SRE).
 */

/** A point of the detection error trade-off: accept when score ≥ threshold. */
export interface OperatingPoint {
  readonly threshold: number;
  readonly falseAcceptRate: number;
  readonly falseRejectRate: number;
}

/**
 * Every distinct operating point, from accepting everything to rejecting everything. The
 * false-reject rate rises and the false-accept rate falls along the list.
 */
export function operatingPoints(
  targets: readonly number[],
  nontargets: readonly number[],
): OperatingPoint[] {
  const all = [
    ...targets.map((s) => ({ s, target: true })),
    ...nontargets.map((s) => ({ s, target: false })),
  ].sort((a, b) => a.s - b.s);
  const points: OperatingPoint[] = [];
  let misses = 0;
  let falseAccepts = nontargets.length;
  points.push({ threshold: -Infinity, falseAcceptRate: 1, falseRejectRate: 0 });
  for (let i = 0; i < all.length;) {
    const s = all[i]!.s;
    while (i < all.length && all[i]!.s === s) {
      if (all[i]!.target) misses++;
      else falseAccepts--;
      i++;
    }
    points.push({
      threshold: i < all.length ? all[i]!.s : Infinity,
      falseAcceptRate: nontargets.length === 0 ? 0 : falseAccepts / nontargets.length,
      falseRejectRate: targets.length === 0 ? 0 : misses / targets.length,
    });
  }
  return points;
}

/**
 * Equal error rate: where the false-accept and false-reject rates cross (the mean of the two
 * at the closest operating point). NaN when either side is empty.
 *
 * ### Examples
 * ```ts
 * equalErrorRate([2, 3], [0, 1]); // 0
 * ```
 */
export function equalErrorRate(targets: readonly number[], nontargets: readonly number[]): number {
  if (targets.length === 0 || nontargets.length === 0) return NaN;
  let best = Infinity;
  let eer = NaN;
  for (const p of operatingPoints(targets, nontargets)) {
    const gap = Math.abs(p.falseAcceptRate - p.falseRejectRate);
    if (gap < best) {
      best = gap;
      eer = (p.falseAcceptRate + p.falseRejectRate) / 2;
    }
  }
  return eer;
}

/** NIST detection cost parameters. */
export interface DetectionCost {
  readonly pTarget: number;
  readonly costMiss: number;
  readonly costFalseAlarm: number;
}

/** p_target 0.01, C_miss = C_fa = 1 (NIST SRE 2016+ / VoxCeleb). */
export const DEFAULT_DETECTION_COST: DetectionCost = Object.freeze({
  pTarget: 0.01,
  costMiss: 1,
  costFalseAlarm: 1,
});

/**
 * Minimum normalised detection cost over all thresholds:
 * min (C_miss·P_miss·p + C_fa·P_fa·(1 − p)) / min(C_miss·p, C_fa·(1 − p)).
 *
 * ### Examples
 * ```ts
 * minDetectionCost(targets, nontargets); // at p_target 0.01
 * ```
 */
export function minDetectionCost(
  targets: readonly number[],
  nontargets: readonly number[],
  cost: DetectionCost = DEFAULT_DETECTION_COST,
): number {
  if (targets.length === 0 || nontargets.length === 0) return NaN;
  const { pTarget: p, costMiss, costFalseAlarm } = cost;
  const norm = Math.min(costMiss * p, costFalseAlarm * (1 - p));
  let best = Infinity;
  for (const pt of operatingPoints(targets, nontargets)) {
    const c = costMiss * pt.falseRejectRate * p + costFalseAlarm * pt.falseAcceptRate * (1 - p);
    if (c < best) best = c;
  }
  return best / norm;
}
