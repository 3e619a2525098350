/**
 * The speaker verification engine: voiceprints from short speech (i-vectors on a GMM-UBM with
 * an LDA/WCCN backend and AS-norm, fused with long-term cepstral statistics into a calibrated
 * 0–100 score), trained by `voxgate train speaker` and shipped in models/speaker. Engines see audio (16 kHz mono Float32Array from src/audio),
 * never tenants, HTTP or the store.
 *
 * ### Examples
 * ```ts
 * import { deserializeVoiceprint, loadSpeakerModel } from '../engines/index.js';
 *
 * const model = await loadSpeakerModel(); // models/speaker, well under a second
 * const { voiceprint, netSpeechSeconds } = model.enroll([a, b, c]);
 * const stored = voiceprint.serialize(); // ~500 bytes carrying the model version
 * const { score0to100 } = model.score(deserializeVoiceprint(stored), d);
 * const accepted = score0to100 >= model.meta.threshold.score; // dev FAR in model.meta.threshold
 * ```
 */

/**
 * The model and its results. `score`, `compare` and `search` throw `SpeakerModelMismatch` for a
 * voiceprint of another model version; `loadSpeakerModel` throws `SpeakerModelUnreadable`.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpeakerModel('/srv/voxgate/models/speaker');
 * const test = model.embed(samples); // once per utterance
 * const results = voiceprints.map((v) => model.compare(v, test));
 * ```
 */
export {
  DEFAULT_SPEAKER_MODEL_DIR,
  loadSpeakerModel,
  SpeakerModel,
  type Enrollment,
  type SearchHit,
  type SpeakerModelMeta,
  type ScoreComponents,
  type SpeakerModelParts,
  type SpeakerScore,
  type ThresholdPoint,
  type UtteranceEmbedding,
  type UtteranceStatistics,
} from './speaker-model.js';

/**
 * Voiceprints and their bytes (~500 bytes; `VoiceprintMalformed` when they are not one).
 *
 * ### Examples
 * ```ts
 * const bytes = voiceprint.serialize();
 * deserializeVoiceprint(bytes).modelVersion; // 'ivec-…'
 * ```
 */
export { deserializeVoiceprint, Voiceprint } from './voiceprint.js';

/**
 * A flat index of many voiceprints for watchlist search (100,000 in well under 200 ms).
 *
 * ### Examples
 * ```ts
 * const index = VoiceprintIndex.build(model.version, watchlist);
 * const [best] = model.search(samples, index, 1);
 * ```
 */
export { VoiceprintIndex } from './voiceprint-index.js';

/**
 * Kaldi-style enrollment and trial lists: generator, parsers, writers.
 *
 * ### Examples
 * ```ts
 * const { enroll, trials } = generateTrialLists(corpus.utterances, { enrollUtterances: 3, nontargetModels: 20 });
 * await writeFile('trials', formatTrials(trials));
 * ```
 */
export {
  DEFAULT_ENROLL_UTTERANCES,
  DEFAULT_NONTARGET_MODELS,
  formatEnrollment,
  formatTrials,
  generateTrialLists,
  parseEnrollment,
  parseTrials,
  TrialListError,
  type EnrollmentEntry,
  type Trial,
  type TrialListOptions,
} from './trial-lists.js';

/**
 * Scoring trial lists and the detection measures (EER, minDCF at p_target 0.01).
 *
 * ### Examples
 * ```ts
 * const { eer, minDcf } = scoreTrials(model, enroll, trials, (id) => stats.get(id));
 * equalErrorRate([0.9, 0.8], [0.1, 0.85]); // 0.5
 * ```
 */
export { median, scoreTrials, type TrialScores } from './score-trials.js';
export {
  DEFAULT_DETECTION_COST,
  equalErrorRate,
  minDetectionCost,
  operatingPoints,
  type DetectionCost,
  type OperatingPoint,
} from './detection-metrics.js';

/**
 * Training (`voxgate train speaker`): the staged, resumable, seeded recipe.
 *
 * ### Examples
 * ```ts
 * await trainSpeakerModel({ ...DEFAULT_TRAINING, utterances, outDir: 'models/speaker', workDir: '.tmp/spk' });
 * ```
 */
export {
  DEFAULT_TRAINING,
  trainSpeakerModel,
  type SpeakerTrainingOptions,
  type TrainingProgress,
  type TrainingResult,
  type TrainingUtterance,
} from './training/train-speaker-model.js';

/**
 * The speaker features (telephone-band MFCC + Δ + ΔΔ, energy VAD, CMN) and the naive baseline
 * the benchmark compares with.
 *
 * ### Examples
 * ```ts
 * const { features, netSpeechSeconds } = new SpeakerFeatureExtractor().extract(samples);
 * ```
 */
export {
  DEFAULT_SPEAKER_FEATURES,
  SpeakerFeatureExtractor,
  type SpeakerFeatureConfig,
  type SpeakerFeatures,
} from './speaker-features.js';
export { NaiveBaseline } from './naive-baseline.js';
