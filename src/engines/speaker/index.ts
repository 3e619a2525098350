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
 * const accepted = score0to100 >= 90; // Voice ID's default; rates in model.meta.training
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
 * The streaming accumulator: audio in any chunks (a call's 20 ms frames or a whole file) → the
 * pooled statistics of fixed 3 s segments, a running net speech figure, snapshots for
 * `embedStatistics` / `enrollStatistics`. Calls and batch files go through the same front end.
 *
 * ### Examples
 * ```ts
 * const acc = model.createAccumulator();
 * acc.push(frame); // 16 kHz mono Float32Array, any length
 * if (acc.netSpeechSeconds() >= 10) {
 *   const result = model.compare(voiceprint, model.embedStatistics(acc.snapshot()));
 * }
 * const { voiceprint } = model.enrollStatistics([acc.snapshot()]);
 * ```
 */
export {
  DEFAULT_MIN_PARTIAL_SECONDS,
  DEFAULT_SEGMENT_SECONDS,
  poolStatistics,
  SpeakerAccumulator,
  type AccumulatorOptions,
} from './speaker-accumulator.js';

/**
 * Net speech of a growing stretch of audio by the energy VAD's rules, kept frame by frame.
 *
 * ### Examples
 * ```ts
 * const estimate = new RunningSpeechEstimate(300);
 * estimate.advance(buffer, filled);
 * estimate.speechFrames(); // × 10 ms
 * ```
 */
export { RunningSpeechEstimate } from './running-speech-estimate.js';

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
 * Session-condition lists (≈30 s enrollment, ≈10 s tests, utterances concatenated, several
 * partitions) and the evaluation through the accumulator that `voxgate eval speaker`, the
 * benchmark and training share: channels (16 kHz, 8 kHz PCM, 8 kHz µ-law), scored trials,
 * EER / minDCF / FA and FR at a threshold with speaker-bootstrap 95 % intervals.
 *
 * ### Examples
 * ```ts
 * const lists = generateSessionLists(timed, { enrollSeconds: 30, testSeconds: 10 });
 * const { summary } = await evaluateLists({ model, utterances, ...lists, channel: '16k' });
 * ```
 */
export {
  DEFAULT_SESSION_ENROLL_SECONDS,
  DEFAULT_SESSION_PARTITIONS,
  DEFAULT_SESSION_TEST_SECONDS,
  generateSessionLists,
  type SessionListOptions,
  type SessionLists,
  type TimedUtterance,
} from './session-lists.js';
export {
  channelAudio,
  CHANNELS,
  isChannel,
  loadChannelAudio,
  type Channel,
} from './evaluation/channel-audio.js';
export {
  enrollmentStatistics,
  itemStatistics,
  scoreTrialItems,
  type ItemMode,
  type ScoredTrial,
} from './evaluation/scored-trials.js';
export {
  DEFAULT_BOOTSTRAP_REPLICATES,
  summarizeTrials,
  type RateWithInterval,
  type SummaryOptions,
  type TrialSummary,
} from './evaluation/trial-summary.js';
export {
  evaluateLists,
  type EvaluationUtterance,
  type ListEvaluation,
  type ListResult,
} from './evaluation/evaluate-lists.js';

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
 * Score calibration: the duration-aware fusion of the two subsystem scores into log-odds and
 * the 0–100 score (the posterior probability, in %, of the enrolled speaker at equal priors;
 * 90 = Voice ID's default threshold = a likelihood ratio of 9).
 *
 * ### Examples
 * ```ts
 * const z = fusedLogOdds(model.meta.fusion, c.ivector, c.ltcs, Math.min(enrollSeconds, testSeconds));
 * scoreFromLogOdds(z) >= DEFAULT_ACCEPT_THRESHOLD;
 * ```
 */
export {
  DEFAULT_ACCEPT_THRESHOLD,
  DURATION_QUALITY_RANGE,
  durationQuality,
  fitDurationFusion,
  fusedLogOdds,
  fusionAt,
  logOddsForScore,
  scoreFromLogOdds,
  type CalibrationTrial,
  type DurationTerms,
  type Fusion,
} from './score-calibration.js';

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
export {
  ageGroup,
  CHILD_AGE_LIMIT,
  splitSpeakers,
  type SpeakerSplit,
  type SplitSizes,
} from './training/speaker-split.js';

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
