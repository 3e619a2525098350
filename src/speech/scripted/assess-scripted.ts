import { detectSpeech, speechSeconds } from '../../audio/features/index.js';
import { toInt16 } from '../../audio/index.js';
import type { Alignment, AsrEngine, TimedSegment } from '../../engines/index.js';
import { catalog, isVoxgateError } from '../../errors/index.js';
import {
  scorePronunciation,
  type PronunciationModel,
  type PronunciationScores,
} from '../../engines/pronunciation/index.js';
import type {
  ApiPlan,
  AttemptType,
  FluencyAssessment,
  ScriptedAssessment,
  TimeSpan,
  UtteranceAssessment,
  WordAssessment,
  WordStress,
} from './scripted-assessment.js';
import { sentenceWords, type SentenceWord } from './sentence-words.js';
import { detectWordStress, prosodyTrack, type StressDictionary } from './word-stress.js';

export interface ScriptedAssessmentDeps {
  readonly engine: AsrEngine;
  readonly model: PronunciationModel;
  /**
   * Expected word stress (espeak-ng), a cache of the prompts read: the app makes one and hands
   * it to every caller, so each prompt is looked up once.
   */
  readonly stress: StressDictionary;
}

export interface ScriptedRequest {
  /** 16 kHz mono samples in [-1, 1]. */
  readonly samples: Float32Array;
  /** One sentence, or the options of a multiple-choice question. */
  readonly sentences: readonly string[];
  readonly plan: ApiPlan;
  /** Per engine call. */
  readonly deadlineMs?: number;
}

/** Less net speech than this (energy VAD) is UNSPOKEN: the engines are not asked. */
export const MIN_SPEECH_SEC = 0.15;
/** Silence before the first speech for `initial_silence` (one 10 ms frame, plus VAD slack). */
export const INITIAL_SILENCE_SEC = 0.05;
/** Silences between words at least this long are pauses (fluency). */
export const PAUSE_SEC = 0.25;
/** A gap between words this long where the phone loop hears speech is inserted speech. */
export const INSERTION_MIN_SEC = 0.3;
/** Share of such a gap the loop must fill with phones (not silence) to count it. */
const INSERTION_SPEECH_SHARE = 0.6;

const SAMPLE_RATE = 16_000;
const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * Scripted pronunciation assessment of one recording: which sentence was read (when several are
 * offered), then each word and phoneme of it scored by goodness of pronunciation. Engine errors
 * (catalogued ASR errors) propagate; the caller owns audio decoding, tenants and minutes.
 *
 * ### Examples
 * ```ts
 * const result = await assessScripted({ engine, model, stress: new StressDictionary() }, {
 *   samples: audio.samples,
 *   sentences: ['We call it bear'],
 *   plan: 'premium',
 * });
 * result.utterances[0]!.words.map((w) => [w.text, w.score]);
 * ```
 */
export async function assessScripted(
  deps: ScriptedAssessmentDeps,
  request: ScriptedRequest,
): Promise<ScriptedAssessment> {
  const totalTime = round(request.samples.length / SAMPLE_RATE, 3);
  const options = request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs };
  const tokenised = request.sentences.map(sentenceWords);
  const vad = detectSpeech(request.samples);
  const initialSilence = (vad.segments[0]?.startSec ?? 0) >= INITIAL_SILENCE_SEC;

  const answer = (utterance: UtteranceAssessment): ScriptedAssessment => ({
    plan: request.plan,
    totalTime,
    utterances: [utterance],
    modelVersion: deps.model.version,
  });

  if (speechSeconds(vad) < MIN_SPEECH_SEC || tokenised.every((t) => t.length === 0)) {
    const sentenceId = Math.max(
      0,
      tokenised.findIndex((t) => t.length > 0),
    );
    return answer(
      notScored(
        request.sentences[sentenceId] ?? '',
        sentenceId,
        totalTime,
        tokenised[sentenceId] ?? [],
        request.plan,
        { attemptType: 'UNSPOKEN', initialSilence: true },
      ),
    );
  }

  const pcm = toInt16(request.samples);
  // The loop and the alignment run on different workers at once when the pool has two.
  const loopPromise = deps.engine.phoneLoop(pcm, options);
  loopPromise.catch(() => undefined);
  let sentenceId = 0;
  let alignment: Alignment;
  const candidates = tokenised.map((t) => t.map((w) => w.normalized));
  // espeak-ng runs while the engines do; it never rejects (no stress result instead).
  const expectedStress = deps.stress.lookup(candidates);
  const nonEmpty = candidates.map((c, i) => [c, i] as const).filter(([c]) => c.length > 0);
  try {
    if (nonEmpty.length > 1) {
      const chosen = await deps.engine.chooseSentence(
        pcm,
        nonEmpty.map(([c]) => c),
        options,
      );
      sentenceId = nonEmpty[chosen.index]![1];
      alignment = chosen.alignment;
    } else {
      sentenceId = nonEmpty[0]![1];
      alignment = await deps.engine.align(pcm, candidates[sentenceId]!, options);
    }
  } catch (e) {
    // The engine found no way to fit the text into the speech: too little of it was read.
    if (!(isVoxgateError(e) && e.definition === catalog.FailedToUseAudio)) throw e;
    sentenceId = nonEmpty[0]![1];
    return answer(
      notScored(
        request.sentences[sentenceId]!,
        sentenceId,
        totalTime,
        tokenised[sentenceId]!,
        request.plan,
        { attemptType: 'INCOMPLETE', initialSilence },
      ),
    );
  }
  const loop = await loopPromise;
  const scores = scorePronunciation(deps.model, alignment, loop);
  const expected = (await expectedStress)[sentenceId] ?? [];
  const stress = detectWordStress(
    scores.words,
    scores.words.map((w) => expected[w.index] ?? null),
    (span) => prosodyTrack(request.samples, span),
  );
  return answer(
    utteranceAssessment({
      model: deps.model,
      sentence: request.sentences[sentenceId]!,
      sentenceId,
      words: tokenised[sentenceId]!,
      alignment,
      loop,
      scores,
      stress,
      totalTime,
      initialSilence,
      plan: request.plan,
    }),
  );
}

interface UtteranceInput {
  readonly model: PronunciationModel;
  readonly sentence: string;
  readonly sentenceId: number;
  readonly words: readonly SentenceWord[];
  readonly alignment: Alignment;
  readonly loop: readonly TimedSegment[];
  readonly scores: PronunciationScores;
  /** Per scored word, in order. */
  readonly stress: readonly (WordStress | null)[];
  readonly totalTime: number;
  readonly initialSilence: boolean;
  readonly plan: ApiPlan;
}

function utteranceAssessment(input: UtteranceInput): UtteranceAssessment {
  const { scores, words, model } = input;
  const wordResults = scores.words.map((scored, i): WordAssessment => {
    const written = words[scored.index] ?? words[i]!;
    return {
      text: written.text,
      startIndex: written.startIndex,
      endIndex: written.endIndex,
      startTime: round(scored.startSec),
      endTime: round(scored.endSec),
      pronunciation: scored.phones.map((p) => p.phone).join(' '),
      score: scored.score,
      decision: scored.decision,
      omitted: scored.omitted,
      phonemes: scored.phones.map((p) => ({
        phone: p.phone,
        startTime: round(p.startSec),
        endTime: round(p.endSec),
        score: p.score,
        decision: p.decision,
      })),
      stress: input.stress[i] ?? null,
    };
  });
  const spoken = scores.words.filter((w) => !w.omitted);
  const attemptType: AttemptType =
    scores.matchScore < model.differentSentenceBelow
      ? 'DIFFERENT_SENTENCE'
      : spoken.length < scores.words.length
        ? 'INCOMPLETE'
        : 'COMPLETE';
  const wordSpans = spoken.map((w) => ({ startSec: w.startSec, endSec: w.endSec }));
  return {
    sentence: input.sentence,
    sentenceId: input.sentenceId,
    totalTime: input.totalTime,
    initialSilence: input.initialSilence,
    attemptType,
    score: scores.score,
    decision: scores.decision,
    startTime: wordSpans.length ? round(wordSpans[0]!.startSec) : null,
    endTime: wordSpans.length ? round(wordSpans.at(-1)!.endSec) : null,
    words: wordResults,
    insertedSpeech: insertedSpeech(input.alignment, input.loop),
    ...(input.plan === 'premium'
      ? { fluency: fluency(spoken, input.alignment, model.medianArticulationRate) }
      : {}),
  };
}

/**
 * A result without scores: no speech (UNSPOKEN), or speech the sentence cannot be fitted into
 * (INCOMPLETE: every word omitted).
 */
function notScored(
  sentence: string,
  sentenceId: number,
  totalTime: number,
  words: readonly SentenceWord[],
  plan: ApiPlan,
  how: { readonly attemptType: 'UNSPOKEN' | 'INCOMPLETE'; readonly initialSilence: boolean },
): UtteranceAssessment {
  return {
    sentence,
    sentenceId,
    totalTime,
    initialSilence: how.initialSilence,
    attemptType: how.attemptType,
    score: 0,
    decision: 'incorrect',
    startTime: null,
    endTime: null,
    words: words.map((w) => ({
      text: w.text,
      startIndex: w.startIndex,
      endIndex: w.endIndex,
      startTime: 0,
      endTime: 0,
      pronunciation: '',
      score: 0,
      decision: 'incorrect',
      omitted: true,
      phonemes: [],
      stress: null,
    })),
    insertedSpeech: [],
    ...(plan === 'premium' ? { fluency: NO_FLUENCY } : {}),
  };
}

const NO_FLUENCY: FluencyAssessment = {
  score: 0,
  speechRateWpm: 0,
  articulationRate: 0,
  pauses: [],
  pauseTime: 0,
};

/** Gaps between aligned words (fillers) where the free phone loop hears phones, not silence. */
function insertedSpeech(alignment: Alignment, loop: readonly TimedSegment[]): TimeSpan[] {
  const inserted: TimeSpan[] = [];
  for (const gap of alignment.fillers) {
    const length = gap.endSec - gap.startSec;
    if (length < INSERTION_MIN_SEC) continue;
    // Leading and trailing silence count too: speech before the first word is an insertion.
    let phoneTime = 0;
    for (const s of loop) {
      if (s.label === 'SIL') continue;
      const overlap = Math.min(gap.endSec, s.endSec) - Math.max(gap.startSec, s.startSec);
      if (overlap > 0) phoneTime += overlap;
    }
    if (phoneTime >= INSERTION_SPEECH_SHARE * length)
      inserted.push({ startTime: round(gap.startSec), endTime: round(gap.endSec) });
  }
  return inserted;
}

/**
 * Fluency (premium): speech rate, articulation rate and pauses from the alignment. The score
 * is 100 × min(1, articulation rate / the train corpus's median) × (1 − pause time / speaking
 * span): reading at least as fast as the median learner without pausing scores 100.
 */
function fluency(
  spoken: readonly { startSec: number; endSec: number; phones: readonly unknown[] }[],
  alignment: Alignment,
  medianRate: number,
): FluencyAssessment {
  if (spoken.length === 0) return NO_FLUENCY;
  const start = spoken[0]!.startSec;
  const end = spoken.at(-1)!.endSec;
  const span = Math.max(0.01, end - start);
  const pauses = alignment.fillers
    .filter((f) => f.startSec >= start && f.endSec <= end && f.endSec - f.startSec >= PAUSE_SEC)
    .map((f) => ({ startTime: round(f.startSec), endTime: round(f.endSec) }));
  const pauseTime = pauses.reduce((sum, p) => sum + (p.endTime - p.startTime), 0);
  const phones = spoken.reduce((sum, w) => sum + w.phones.length, 0);
  const articulation = phones / Math.max(0.01, span - pauseTime);
  const score = 100 * Math.min(1, articulation / medianRate) * Math.max(0, 1 - pauseTime / span);
  return {
    score: round(score, 1),
    speechRateWpm: round((spoken.length / span) * 60, 1),
    articulationRate: round(articulation, 2),
    pauses,
    pauseTime: round(pauseTime),
  };
}
