import type { Kysely } from 'kysely';

// Async scoring jobs stored their result and error in the wire shape (snake_case ELSA result;
// the error body). From here the speech domain stores its own shapes and the protocol maps them
// to the wire, so the rows written before are rewritten into them: the result camelCase, the
// error as { name, message, params }. The mapping is frozen here, as a migration must be.

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const span = (s: Json) => ({ startTime: s.start_time, endTime: s.end_time });

function resultOf(r: Json): Json {
  return {
    plan: r.api_plan,
    totalTime: r.total_time,
    modelVersion: r.model_version,
    utterances: arr(r.utterance).map((u) => ({
      sentence: u.sentence,
      sentenceId: u.sentence_id,
      totalTime: u.total_time,
      initialSilence: u.initial_silence,
      attemptType: u.attempt_type,
      score: u.nativeness_score,
      decision: u.decision,
      startTime: u.start_time,
      endTime: u.end_time,
      words: arr(u.words).map((w) => {
        const stress = w.word_stress as Json | null | undefined;
        return {
          text: w.text,
          startIndex: w.start_index,
          endIndex: w.end_index,
          startTime: w.start_time,
          endTime: w.end_time,
          pronunciation: w.trans_arpabet,
          score: w.nativeness_score,
          decision: w.decision,
          omitted: w.omitted,
          phonemes: arr(w.phonemes).map((p) => ({
            phone: p.trans_arpabet,
            startTime: p.start_time,
            endTime: p.end_time,
            score: p.nativeness_score,
            decision: p.decision,
          })),
          stress: stress
            ? {
                syllables: stress.syllables,
                expectedStressedSyllable: stress.expected_stressed_syllable,
                detectedStressedSyllable: stress.detected_stressed_syllable,
                decision: stress.decision,
              }
            : null,
        };
      }),
      insertedSpeech: arr(u.inserted_speech).map(span),
      ...(u.fluency
        ? {
            fluency: {
              score: (u.fluency as Json).fluency_score,
              speechRateWpm: (u.fluency as Json).speech_rate_wpm,
              articulationRate: (u.fluency as Json).articulation_rate,
              pauses: arr((u.fluency as Json).pauses).map(span),
              pauseTime: (u.fluency as Json).pause_time,
            },
          }
        : {}),
    })),
  };
}

function failureOf(e: Json): Json {
  const { status: _status, error, message, ...params } = e;
  return { name: error, message, params };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current Database type
export async function up(db: Kysely<any>): Promise<void> {
  const rows = (await db
    .selectFrom('speech_jobs')
    .select(['job_id', 'result', 'error'])
    .where('status', 'in', ['succeeded', 'failed'])
    .execute()) as { job_id: string; result: string | null; error: string | null }[];
  for (const row of rows) {
    const result = row.result === null ? null : (JSON.parse(row.result) as Json);
    const error = row.error === null ? null : (JSON.parse(row.error) as Json);
    const change: { result?: string; error?: string } = {};
    if (result && 'utterance' in result) change.result = JSON.stringify(resultOf(result));
    if (error && error.status === 'error') change.error = JSON.stringify(failureOf(error));
    if (Object.keys(change).length > 0)
      await db.updateTable('speech_jobs').set(change).where('job_id', '=', row.job_id).execute();
  }
}

// Nothing to undo: the rows keep their content, in the domain's shapes.
export async function down(): Promise<void> {}
