/**
 * The engines folder's public surface: the speech engine (pocketsphinx in worker processes).
 * Other folders import from here only. Engines see audio and words, never tenants, HTTP or
 * the store.
 *
 * ### Examples
 * ```ts
 * import { createAsrPool, normalizeWord } from '../engines/index.js';
 *
 * const engine = await createAsrPool({ workers: 2 });
 * const alignment = await engine.align(pcm, 'We call it bear.'.split(' ').map(normalizeWord));
 * const loop = await engine.phoneLoop(pcm);
 * // GOP-like score: how much the text costs per frame against the best free phone sequence.
 * const loopScore = loop.reduce((sum, s) => sum + s.acousticScore, 0);
 * const perFrame = (alignment.acousticScore - loopScore) / alignment.frames;
 * await engine.close();
 * ```
 */

/**
 * The engine interface and its result types. Times are seconds from the start of the audio
 * (10 ms frames); acoustic scores are natural-log likelihoods normalised per frame by
 * pocketsphinx (each frame's best computed senone scores 0), summed over a segment's frames.
 * Labels are lower-case dictionary words, ARPAbet phones without stress, or 'SIL' (silence,
 * and in the phone loop also the model's noise phones).
 *
 * ### Examples
 * ```ts
 * import type { AsrEngine, Alignment } from '../engines/index.js';
 * async function wordsOf(engine: AsrEngine, pcm: Int16Array): Promise<Alignment> {
 *   return engine.align(pcm, ['hello', 'world'], { deadlineMs: 10_000 });
 * }
 * ```
 */
export type {
  AlignedWord,
  Alignment,
  AsrEngine,
  Recognition,
  TimedSegment,
} from './asr/asr-engine.js';

/**
 * The worker pool implementing `AsrEngine`. `createAsrPool` starts it and resolves once a
 * worker answers (rejecting with `ASRConnectionFailed` when none can start); `new AsrPool()`
 * starts it without waiting (use `ping()` for readiness checks). Errors are catalogued:
 * `ASRConnectionFailed`, `ASRSocketTimeout`, `ASRInterProcessException`, `FailedToUseAudio`
 * (see asr-pool.ts for exactly when).
 *
 * ### Examples
 * ```ts
 * const pool = await createAsrPool({ workers: 4, maxQueue: 32, deadlineMs: 20_000 });
 * const { index, alignment } = await pool.chooseSentence(pcm, [
 *   ['good', 'morning'],
 *   ['good', 'evening'],
 * ]);
 * pool.stats(); // { workers: [{ pid: 1234, state: 'idle' }, …], queued: 0 }
 * await pool.close();
 * ```
 */
export {
  AsrPool,
  createAsrPool,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_QUEUE,
  DEFAULT_PING_DEADLINE_MS,
  DEFAULT_START_TIMEOUT_MS,
  type AsrCallOptions,
  type AsrPoolLogger,
  type AsrPoolOptions,
  type AsrPoolStats,
} from './asr/asr-pool.js';
export { LazyAsrEngine } from './lazy-asr-engine.js';

/**
 * Model files: Debian's `pocketsphinx-en-us` by default; pass others as `AsrPoolOptions.model`.
 *
 * ### Examples
 * ```ts
 * const pool = new AsrPool({ model: { lmPath: '/srv/models/domain.lm.bin' } });
 * ```
 */
export { DEFAULT_MODEL_PATHS, type AsrModelPaths } from './asr/decoder-flags.js';

/**
 * How the engine normalises a word before looking it up: lower case, punctuation removed
 * except apostrophes. Callers normalise their text the same way so results line up.
 *
 * ### Examples
 * ```ts
 * 'Don’t stop!'.split(' ').map(normalizeWord); // ["don't", 'stop']
 * ```
 */
export { normalizeWord } from './asr/lexicon.js';

/**
 * The phones of the acoustic model (CMU ARPAbet, no stress): every phone label the engine
 * returns, besides 'SIL'.
 *
 * ### Examples
 * ```ts
 * ARPABET_PHONES.includes('AH'); // true
 * ```
 */
export { ARPABET_PHONES, type ArpabetPhone } from './asr/ipa-to-arpabet.js';

/**
 * The speaker verification engine (enroll, score, search, voiceprint bytes, training): see
 * speaker/index.ts.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpeakerModel();
 * const { voiceprint } = model.enroll([a, b, c]);
 * ```
 */
export * from './speaker/index.js';
export * from './spoofing/index.js';
