/**
 * Pronunciation scoring: goodness of pronunciation from a forced alignment against the free
 * phone loop over the same audio, calibrated to 0–100 per phone, word and sentence by a model
 * fitted on the train corpus (models/pronunciation/model.json, `npm run calibrate:pronunciation`).
 */
export { phoneGops, loopScoreIn, type PhoneGop, type WordGops } from './phone-gop.js';
export {
  GOP_FLOOR,
  MIN_PHONE_FRAMES,
  PHONE_FEATURES,
  SENTENCE_FEATURES,
  WORD_FEATURES,
  phoneFeatures,
  sentenceFeatures,
  wordFeatures,
} from './pronunciation-features.js';
export {
  DEFAULT_PRONUNCIATION_MODEL_PATH,
  PronunciationModelError,
  loadPronunciationModel,
  type CalibratedLevel,
  type PronunciationModel,
} from './pronunciation-model.js';
export {
  decide,
  scorePronunciation,
  scoreWordGops,
  sentenceLogit,
  type Decision,
  type PronunciationScores,
  type ScoredPhone,
  type ScoredWord,
} from './score-pronunciation.js';
export {
  fitLogistic,
  logOdds,
  logisticLoss,
  predictLogistic,
  sigmoid,
  type LogisticModel,
} from './logistic-regression.js';
