/**
 * The scripted assessment and its async jobs on the wire, as the reference API shapes them
 * (snake_case; `utterance` → `words` → `phonemes`; every field documented in
 * docs/openapi/speech.yaml): one mapper for REST, async job results and the WebSocket.
 */
import type { Decision } from '../../engines/pronunciation/index.js';
import type {
  ApiPlan,
  AttemptType,
  FluencyAssessment,
  ScriptedAssessment,
  ScriptedJob,
  ScriptedJobStatus,
  TimeSpan,
  UtteranceAssessment,
  WordAssessment,
  WordStress,
} from '../../speech/scripted/index.js';
import { speechErrorBody } from './render-speech-error.js';

export const SCRIPTED_API_VERSION = '2.0';

export interface ElsaPhoneme {
  readonly trans_arpabet: string;
  readonly start_time: number;
  readonly end_time: number;
  readonly nativeness_score: number;
  readonly decision: Decision;
}

export interface ElsaWordStress {
  readonly syllables: number;
  readonly expected_stressed_syllable: number;
  readonly detected_stressed_syllable: number;
  readonly decision: 'correct' | 'incorrect';
}

export interface ElsaWord {
  readonly text: string;
  readonly start_index: number;
  readonly end_index: number;
  readonly start_time: number;
  readonly end_time: number;
  readonly trans_arpabet: string;
  readonly nativeness_score: number;
  readonly decision: Decision;
  readonly omitted: boolean;
  readonly phonemes: readonly ElsaPhoneme[];
  readonly word_stress: ElsaWordStress | null;
}

export interface ElsaSpan {
  readonly start_time: number;
  readonly end_time: number;
}

export interface ElsaFluency {
  readonly fluency_score: number;
  readonly speech_rate_wpm: number;
  readonly articulation_rate: number;
  readonly pauses: readonly ElsaSpan[];
  readonly pause_time: number;
}

export interface ElsaUtterance {
  readonly sentence: string;
  readonly sentence_id: number;
  readonly total_time: number;
  readonly initial_silence: boolean;
  /** Deprecated in the reference in favour of `attempt_type`; false exactly when UNSPOKEN. */
  readonly has_speech: boolean;
  readonly attempt_type: AttemptType;
  readonly nativeness_score: number;
  readonly decision: Decision;
  readonly start_time: number | null;
  readonly end_time: number | null;
  readonly words: readonly ElsaWord[];
  readonly inserted_speech: readonly ElsaSpan[];
  readonly fluency?: ElsaFluency;
}

export interface ElsaScriptedResult {
  readonly api_version: string;
  readonly api_plan: ApiPlan;
  readonly total_time: number;
  readonly utterance: readonly ElsaUtterance[];
  readonly model_version: string;
}

export interface ElsaScriptedJob {
  readonly job_id: string;
  readonly status: ScriptedJobStatus;
  readonly created_at: string;
  readonly updated_at: string;
  readonly audio_duration: number;
  readonly result_link: string;
  readonly result?: ElsaScriptedResult;
  readonly error?: Record<string, unknown>;
}

const span = (t: TimeSpan): ElsaSpan => ({ start_time: t.startTime, end_time: t.endTime });

const stressToElsa = (s: WordStress): ElsaWordStress => ({
  syllables: s.syllables,
  expected_stressed_syllable: s.expectedStressedSyllable,
  detected_stressed_syllable: s.detectedStressedSyllable,
  decision: s.decision,
});

const wordToElsa = (w: WordAssessment): ElsaWord => ({
  text: w.text,
  start_index: w.startIndex,
  end_index: w.endIndex,
  start_time: w.startTime,
  end_time: w.endTime,
  trans_arpabet: w.pronunciation,
  nativeness_score: w.score,
  decision: w.decision,
  omitted: w.omitted,
  phonemes: w.phonemes.map((p) => ({
    trans_arpabet: p.phone,
    start_time: p.startTime,
    end_time: p.endTime,
    nativeness_score: p.score,
    decision: p.decision,
  })),
  word_stress: w.stress === null ? null : stressToElsa(w.stress),
});

const fluencyToElsa = (f: FluencyAssessment): ElsaFluency => ({
  fluency_score: f.score,
  speech_rate_wpm: f.speechRateWpm,
  articulation_rate: f.articulationRate,
  pauses: f.pauses.map(span),
  pause_time: f.pauseTime,
});

const utteranceToElsa = (u: UtteranceAssessment): ElsaUtterance => ({
  sentence: u.sentence,
  sentence_id: u.sentenceId,
  total_time: u.totalTime,
  initial_silence: u.initialSilence,
  has_speech: u.attemptType !== 'UNSPOKEN',
  attempt_type: u.attemptType,
  nativeness_score: u.score,
  decision: u.decision,
  start_time: u.startTime,
  end_time: u.endTime,
  words: u.words.map(wordToElsa),
  inserted_speech: u.insertedSpeech.map(span),
  ...(u.fluency !== undefined && { fluency: fluencyToElsa(u.fluency) }),
});

export function scriptedResultToElsa(a: ScriptedAssessment): ElsaScriptedResult {
  return {
    api_version: SCRIPTED_API_VERSION,
    api_plan: a.plan,
    total_time: a.totalTime,
    utterance: a.utterances.map(utteranceToElsa),
    model_version: a.modelVersion,
  };
}

export function resultLink(jobId: string): string {
  return `/api/v2/score_audio/jobs/${encodeURIComponent(jobId)}`;
}

/** An async job as its owner polls it: the result in the wire shape, or the error body. */
export function scriptedJobToElsa(job: ScriptedJob): ElsaScriptedJob {
  return {
    job_id: job.jobId,
    status: job.status,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    audio_duration: job.audioSeconds,
    result_link: resultLink(job.jobId),
    ...(job.result !== undefined && { result: scriptedResultToElsa(job.result) }),
    // The error as the synchronous call would have answered it, without a request id.
    ...(job.failure !== undefined && { error: speechErrorBody(job.failure) }),
  };
}
