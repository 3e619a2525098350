/**
 * Scripted pronunciation assessment: the domain of `POST /api/v2/score_audio` and its WebSocket
 * twin. Plain functions over the engine interfaces; no HTTP, tenants or minutes here.
 */
export {
  assessScripted,
  MIN_SPEECH_SEC,
  type ScriptedAssessmentDeps,
  type ScriptedRequest,
} from './assess-scripted.js';
export { sentenceWords, type SentenceWord } from './sentence-words.js';
export {
  ATTEMPT_TYPES,
  type ApiPlan,
  type AttemptType,
  type FluencyAssessment,
  type PhonemeAssessment,
  type ScriptedAssessment,
  type TimeSpan,
  type UtteranceAssessment,
  type WordAssessment,
  type WordStress,
} from './scripted-assessment.js';
export { StressDictionary } from './word-stress.js';
export {
  MAX_SENTENCES,
  STREAM_DIR,
  audioTooLong,
  loadAudio,
  parseScriptedParameters,
  scoreWithMinutes,
  tooLong,
  type AudioInput,
  type ScoreAudioDeps,
  type ScoreAudioFields,
  type ScriptedParameters,
  type SpeechLimits,
} from './score-audio.js';
export type {
  ScriptedJob,
  ScriptedJobs,
  ScriptedJobStatus,
  SpeechFailure,
} from './scripted-jobs.js';
