import {
  AudioLimitExceeded,
  decodeAudio,
  fetchAudio,
  type AudioLimits,
  type FetchPolicy,
} from '../../audio/index.js';
import { catalog, voxError } from '../../errors/index.js';
import type { SpeechAccounts, SpeechCaller } from '../accounts/index.js';
import { assessScripted, type ScriptedAssessmentDeps } from './assess-scripted.js';
import type { ApiPlan, ScriptedAssessment } from './scripted-assessment.js';

/** The audio of a request: uploaded bytes, or a URL to fetch. */
export type AudioInput =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'url'; readonly url: string };

export interface SpeechLimits {
  /** Largest encoded audio, uploaded or downloaded. */
  readonly maxAudioBytes: number;
  /** Longest audio in any mode (AudioTooLong). */
  readonly maxAudioSeconds: number;
  /** Longest audio scored synchronously (AudioTooBigForSync). */
  readonly syncMaxSeconds: number;
  /** Per engine call. */
  readonly engineDeadlineMs: number;
  readonly ffmpegTimeoutMs: number;
}

export interface ScoreAudioDeps {
  readonly accounts: SpeechAccounts;
  /** The engines, model and stress dictionary assessments run on. */
  readonly scripted: ScriptedAssessmentDeps;
  readonly limits: SpeechLimits;
  readonly fetchPolicy: FetchPolicy;
}

/** The request fields as the wire delivers them (strings, possibly absent). */
export interface ScoreAudioFields {
  readonly sentence?: string | undefined;
  readonly api_plan?: string | undefined;
}

/** A checked scripted request. */
export interface ScriptedParameters {
  readonly sentences: readonly string[];
  readonly plan: ApiPlan;
}

/** Where the WebSocket endpoint is: the `stream_dir` of AudioTooBigForSync. */
export const STREAM_DIR = '/api/v2/ws/score_audio';
/** Multiple-choice options a request may offer. */
export const MAX_SENTENCES = 50;
/** Characters of one sentence. */
export const MAX_SENTENCE_LENGTH = 1000;

/**
 * `sentence` is one sentence, or a JSON list of sentences (multiple choice); `api_plan` is
 * `standard` (the default) or `premium`.
 */
export function parseScriptedParameters(fields: ScoreAudioFields): ScriptedParameters {
  const raw = fields.sentence;
  if (raw === undefined || raw.trim() === '')
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'sentence',
      detail: 'the sentence to read is required (a string, or a JSON list of strings)',
    });
  let sentences: string[] = [raw];
  if (raw.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw voxError(catalog.InvalidSpeechParameter, {
        param: 'sentence',
        detail: 'starts with "[" but is not a JSON list of strings',
      });
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((s) => typeof s === 'string' && s.trim() !== '')
    )
      throw voxError(catalog.InvalidSpeechParameter, {
        param: 'sentence',
        detail: 'a multiple-choice sentence must be a non-empty JSON list of non-empty strings',
      });
    sentences = parsed as string[];
  }
  if (sentences.length > MAX_SENTENCES)
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'sentence',
      detail: `at most ${MAX_SENTENCES} sentences may be offered`,
    });
  if (sentences.some((s) => s.length > MAX_SENTENCE_LENGTH))
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'sentence',
      detail: `a sentence may have at most ${MAX_SENTENCE_LENGTH} characters`,
    });
  if (!sentences.some((s) => /[\p{L}\p{N}]/u.test(s)))
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'sentence',
      detail: 'the sentence has no words',
    });
  const plan = fields.api_plan ?? 'standard';
  if (plan !== 'standard' && plan !== 'premium')
    throw voxError(catalog.InvalidSpeechParameter, {
      param: 'api_plan',
      detail: `must be "standard" or "premium", not ${JSON.stringify(plan.slice(0, 40))}`,
    });
  return { sentences, plan };
}

/**
 * Reads and decodes the audio of a request within `maxSeconds`: over it, `tooLong` is thrown
 * (AudioTooBigForSync in sync mode, AudioTooLong otherwise). Missing audio is MissingAudioParam;
 * decoding errors are the audio module's catalogued errors.
 */
export async function loadAudio(
  audio: AudioInput | null,
  deps: Pick<ScoreAudioDeps, 'limits' | 'fetchPolicy'>,
  mode: 'sync' | 'async',
): Promise<Float32Array> {
  if (audio === null) throw voxError(catalog.MissingAudioParam);
  const { limits } = deps;
  const maxSeconds = mode === 'sync' ? limits.syncMaxSeconds : limits.maxAudioSeconds;
  const audioLimits: AudioLimits = {
    maxBytes: limits.maxAudioBytes,
    maxDurationSec: maxSeconds,
    maxSamples: Math.ceil(maxSeconds * 16_000),
  };
  try {
    const bytes =
      audio.kind === 'bytes'
        ? audio.bytes
        : await fetchAudio(audio.url, audioLimits, deps.fetchPolicy);
    const decoded = await decodeAudio(bytes, {
      limits: audioLimits,
      ffmpegTimeoutMs: limits.ffmpegTimeoutMs,
    });
    return decoded.samples;
  } catch (e) {
    if (e instanceof AudioLimitExceeded) throw tooLong(e, mode, limits);
    throw e;
  }
}

export function tooLong(
  e: AudioLimitExceeded,
  mode: 'sync' | 'async',
  limits: SpeechLimits,
): Error {
  // Bytes over the absolute cap are too long in any mode; duration over the sync cap only in sync.
  if (mode === 'sync' && e.limit !== 'maxBytes')
    return voxError(catalog.AudioTooBigForSync, { stream_dir: STREAM_DIR });
  return audioTooLong(limits);
}

/**
 * Scores `samples` for `caller`: reserves the audio's minutes, runs the assessment, charges
 * the real duration, and refunds when the engines fail.
 */
export async function scoreWithMinutes(
  deps: Pick<ScoreAudioDeps, 'accounts' | 'scripted' | 'limits'>,
  caller: SpeechCaller,
  samples: Float32Array,
  parameters: ScriptedParameters,
): Promise<ScriptedAssessment> {
  // 16 samples per ms at 16 kHz: integer maths, no float rounding up a whole ms.
  const durationMs = Math.ceil(samples.length / 16);
  const reservation = await deps.accounts.reserve(caller, 'scripted', Math.max(1, durationMs));
  let result: ScriptedAssessment;
  try {
    result = await assessScripted(deps.scripted, {
      samples,
      sentences: parameters.sentences,
      plan: parameters.plan,
      deadlineMs: deps.limits.engineDeadlineMs,
    });
  } catch (e) {
    await deps.accounts.refund(reservation);
    throw e;
  }
  await deps.accounts.settle(reservation, durationMs);
  return result;
}

export function audioTooLong(limits: SpeechLimits): Error {
  return voxError(catalog.AudioTooLong, {
    max_seconds: limits.maxAudioSeconds,
    max_bytes: limits.maxAudioBytes,
  });
}
