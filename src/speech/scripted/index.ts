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
  SCRIPTED_API_VERSION,
  type ApiPlan,
  type AttemptType,
  type FluencyResult,
  type PhonemeResult,
  type ScriptedResult,
  type UtteranceResult,
  type WordResult,
  type WordStressResult,
} from './scripted-result.js';
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
export type { ScriptedJobs, ScriptedJobStatus, ScriptedJobView } from './scripted-jobs.js';
