/**
 * The voice spoofing (presentation attack) detector: Voice ID's `VoiceSpoofingRisk.RiskScore`.
 * Two GMMs (bona fide speech, spoofed speech) over LFCC + Δ + ΔΔ of the speech frames; the mean
 * per-frame log-likelihood ratio of a call is mapped to a 0–100 integer calibrated so that 50,
 * Voice ID's default RiskThreshold, keeps 99 % of genuine calibration callers below it in every
 * channel (16 kHz, telephone µ-law, the other codecs). What it has and has not been trained on,
 * and what it measured: docs/spoofing.md.
 *
 * ### Examples
 * ```ts
 * import { loadSpoofingModel, SPOOFING_RISK_THRESHOLD } from '../engines/index.js';
 *
 * const model = await loadSpoofingModel(); // models/spoofing
 * const { riskScore } = model.score(samples16k); // Float32Array, 16 kHz mono
 * const highRisk = riskScore >= SPOOFING_RISK_THRESHOLD;
 * ```
 */

/**
 * The model and its scorer: `loadSpoofingModel(dir?)` reads a model directory (models/spoofing
 * by default); `model.score(samples16k)` scores a whole utterance; `model.createAccumulator()`
 * scores a stream pushed in any chunking (the same audio gives the same score, to the bit,
 * however it is cut), with `result()` O(1) at any time.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpoofingModel();
 * const risk = model.createAccumulator();
 * for (const frame of frames20ms) risk.push(frame); // 320 samples each, 16 kHz
 * const { riskScore, llr, speechSeconds } = risk.result();
 * ```
 */
export {
  DEFAULT_SPOOFING_MODEL_DIR,
  loadSpoofingModel,
  SpoofingModel,
  type SpoofingAccumulator,
  type SpoofingModelMeta,
  type SpoofingModelParts,
  type SpoofingResult,
} from './spoofing-model.js';

/**
 * The RiskScore mapping (`riskScore(calibration, llr)`) and the threshold it is calibrated for.
 *
 * ### Examples
 * ```ts
 * riskScore({ slope: 2, llrAt50: 0.5 }, 0.5) >= SPOOFING_RISK_THRESHOLD; // true
 * ```
 */
export {
  fitRiskCalibration,
  riskScore,
  SPOOFING_RISK_THRESHOLD,
  type RiskCalibration,
} from './risk-calibration.js';

/**
 * The front end (LFCC + Δ + ΔΔ of the speech frames of a stream), for tools and tests.
 *
 * ### Examples
 * ```ts
 * const { frames, dims } = speechFeatures(samples16k); // dims = 60
 * ```
 */
export {
  DEFAULT_FRONT_END,
  SpoofingFrontEnd,
  speechFeatures,
  type FrontEndConfig,
} from './spoofing-front-end.js';
export { DEFAULT_LFCC, LfccAnalyzer, LinearFilterbank, type LfccConfig } from './lfcc.js';

/**
 * Errors of loading a model directory.
 *
 * ### Examples
 * ```ts
 * try { await loadSpoofingModel(dir); } catch (e) { if (e instanceof SpoofingModelUnreadable) … }
 * ```
 */
export { SpoofingModelMismatch, SpoofingModelUnreadable } from './spoofing-errors.js';

/**
 * Training and evaluation (`voxgate train spoofing`, `voxgate eval spoofing`).
 *
 * ### Examples
 * ```ts
 * await trainSpoofingModel({ ...DEFAULT_SPOOFING_TRAINING, utterances, outDir, workDir });
 * const result = await evaluateSpoofingModel({ model, utterances, speakers, workDir, seed: 1, concurrency: 2 });
 * ```
 */
export {
  DEFAULT_SPOOFING_TRAINING,
  trainSpoofingModel,
  type SpoofingTrainingOptions,
  type SpoofingTrainingResult,
} from './training/train-spoofing-model.js';
export {
  evaluateSpoofingModel,
  reportedFamilies,
  UNSEEN_FAMILIES,
  type SpoofingEvaluation,
  type SpoofingEvaluationOptions,
} from './training/evaluate-spoofing-model.js';
export {
  CONDITIONS as SPOOFING_CONDITIONS,
  type Condition as SpoofingCondition,
  type ConditionFigures as SpoofingConditionFigures,
  type FamilyFigures as SpoofingFamilyFigures,
  type SetFigures as SpoofingSetFigures,
} from './training/spoofing-metrics.js';
export type { RecipeProgress as SpoofingProgress } from './training/generate-shards.js';
export {
  EVALUATION_FAMILIES,
  SEEN_FAMILIES,
  type AttackFamily,
} from './attacks/attack-families.js';
