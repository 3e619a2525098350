/**
 * The figures of a scored set: per condition (16 kHz as recorded, 8 kHz telephone, the other
 * codecs) the EER of each attack family against the bona fide speech of the same condition,
 * how many of them score ≥ 50, and how many bona fide utterances do (genuine callers marked
 * HIGH_RISK at Voice ID's default RiskThreshold); and per bona fide channel the same rate.
 */
import { CODECS, TELEPHONE, type Channel } from '../attacks/codecs.js';
import type { AttackFamily } from '../attacks/attack-families.js';
import { equalErrorRate } from '../speaker-engine-parts.js';
import type { ScoredVersion } from './score-shards.js';

export type Condition = '16k' | '8k' | 'codecs';

export const CONDITIONS: readonly Condition[] = ['16k', '8k', 'codecs'];

/** The condition a channel belongs to. */
export function conditionOf(channel: Channel): Condition {
  return channel === 'clean' ? '16k' : channel === TELEPHONE ? '8k' : 'codecs';
}

export interface FamilyFigures {
  readonly utterances: number;
  /** Against the bona fide speech of the same condition (fraction). */
  readonly eer: number;
  /** Fraction scored ≥ 50 (flagged at the default RiskThreshold). */
  readonly detectedAt50: number;
}

export interface ConditionFigures {
  readonly bonafide: number;
  /** Fraction of bona fide utterances scored ≥ 50: the false-positive rate at the default. */
  readonly bonafideAtOrAbove50: number;
  readonly families: Readonly<Partial<Record<AttackFamily, FamilyFigures>>>;
  /** Every family of `pooled` together (the seen families). */
  readonly pooled: FamilyFigures;
  /** Every family of `unseen` together (those training never saw), when there are any. */
  readonly unseen?: FamilyFigures;
}

export interface SetFigures {
  readonly conditions: Readonly<Record<Condition, ConditionFigures>>;
  /** Bona fide fraction ≥ 50 per channel ('device' = through a simulated other device). */
  readonly bonafideAtOrAbove50ByChannel: Readonly<Record<string, number>>;
}

const round = (v: number, digits = 4): number =>
  Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v;

/**
 * ### Examples
 * ```ts
 * const figures = setFigures(scored.versions, ['espeak', 'replay']);
 * figures.conditions['8k'].families.replay?.eer;
 * ```
 */
export function setFigures(
  versions: readonly ScoredVersion[],
  pooled: readonly AttackFamily[],
  unseen: readonly AttackFamily[] = [],
): SetFigures {
  const conditions = {} as Record<Condition, ConditionFigures>;
  for (const condition of CONDITIONS) {
    const inCondition = versions.filter((v) => conditionOf(v.channel) === condition);
    const bonafide = inCondition
      .filter((v) => v.family === 'bonafide' && !v.device)
      .map((v) => v.llr);
    const bonafideRisk = inCondition.filter((v) => v.family === 'bonafide' && !v.device);
    const families: Partial<Record<AttackFamily, FamilyFigures>> = {};
    const figures = (spoofs: readonly ScoredVersion[]): FamilyFigures => ({
      utterances: spoofs.length,
      eer: round(
        equalErrorRate(
          spoofs.map((v) => v.llr),
          bonafide,
        ),
      ),
      detectedAt50: round(
        spoofs.filter((v) => v.riskScore >= 50).length / Math.max(1, spoofs.length),
      ),
    });
    const spoofed = inCondition.filter((v) => v.family !== 'bonafide');
    for (const family of [...new Set(spoofed.map((v) => v.family as AttackFamily))])
      families[family] = figures(spoofed.filter((v) => v.family === family));
    conditions[condition] = {
      bonafide: bonafide.length,
      bonafideAtOrAbove50: round(
        bonafideRisk.filter((v) => v.riskScore >= 50).length / Math.max(1, bonafideRisk.length),
      ),
      families,
      pooled: figures(spoofed.filter((v) => pooled.includes(v.family as AttackFamily))),
    };
    const others = spoofed.filter((v) => unseen.includes(v.family as AttackFamily));
    if (others.length > 0)
      conditions[condition] = { ...conditions[condition], unseen: figures(others) };
  }
  const byChannel: Record<string, number> = {};
  for (const channel of ['clean', ...CODECS, 'device'] as const) {
    const list = versions.filter(
      (v) =>
        v.family === 'bonafide' &&
        (channel === 'device' ? v.device : !v.device && v.channel === channel),
    );
    if (list.length > 0)
      byChannel[channel] = round(list.filter((v) => v.riskScore >= 50).length / list.length);
  }
  return { conditions, bonafideAtOrAbove50ByChannel: byChannel };
}
