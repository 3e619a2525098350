/**
 * Lexical word stress: which syllable of a word of two or more syllables the learner stressed,
 * against the one it should carry.
 *
 * - Expected: the pronunciation dictionary has no stress marks, so the primary stress comes
 *   from espeak-ng's IPA (`ˈ` before the stressed vowel). Syllables are vowel nuclei; a word
 *   whose espeak syllable count differs from the vowel phones aligned has no stress result
 *   rather than a guess.
 * - Detected: each vowel of the utterance gets a prominence, the weighted sum of its mean
 *   energy (dB), duration and mean F0 (voiced frames), each z-normalised over the utterance's
 *   vowels; a word's most prominent vowel is its detected stressed syllable.
 */
import { execFile } from 'node:child_process';
import { frameEnergiesDb, PitchTracker } from '../../audio/features/index.js';
import type { WordStress } from './scripted-assessment.js';

/** ARPAbet vowels (no stress digits): one per syllable. */
export const VOWEL_PHONES: ReadonlySet<string> = new Set([
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW',
]); // prettier-ignore

/** The stress a word's standard pronunciation carries. */
export interface ExpectedStress {
  /** Vowel nuclei, as ARPAbet would count them. */
  readonly syllables: number;
  /** The syllable with primary stress, 0-based. */
  readonly stressed: number;
}

// espeak-ng prints with `--sep=_` one token per phoneme, a stress mark opening the token of the
// stressed vowel. Some tokens hold two ARPAbet vowels (ipa-to-arpabet.ts maps `aɪɚ` to AY ER,
// `iə` to IY AH); r-coloured and centring ones (`ɑːɹ`, `ɪə`) and syllabic consonants hold one.
const TWO_NUCLEI: ReadonlySet<string> = new Set(['aɪɚ', 'aɪə', 'aʊɚ', 'aʊə', 'iə']);
const VOWEL_SYMBOL = /[aeiouyæɑɒɐɔəɛɜɝɚɪʊʌᵻᵊʉøœɯɤɵɘɞɨ]/u;
const SYLLABIC = '\u0329';
const MARKS = /ˈ|ˌ|‿|\u200d|\u200c|-/gu;

/**
 * Syllables and primary stress of one word from espeak-ng's `--ipa --sep=_` output (several
 * space-separated words when espeak spelled it out, e.g. a number). Null when the word has no
 * vowel or not exactly one primary stress.
 *
 * ### Examples
 * ```ts
 * parseStressedIpa('t_ə_d_ˈeɪ'); // { syllables: 2, stressed: 1 }
 * parseStressedIpa('ˈɛ_l_ɪ_f_ə_n_t'); // { syllables: 3, stressed: 0 }
 * ```
 */
export function parseStressedIpa(ipa: string): ExpectedStress | null {
  let syllables = 0;
  let stressed = -1;
  let primaries = 0;
  for (const token of ipa.trim().split(/[\s_]+/u)) {
    const bare = token.replace(MARKS, '');
    const nuclei = TWO_NUCLEI.has(bare)
      ? 2
      : VOWEL_SYMBOL.test(bare) || bare.includes(SYLLABIC)
        ? 1
        : 0;
    if (token.includes('ˈ') && nuclei > 0) {
      primaries += 1;
      stressed = syllables;
    }
    syllables += nuclei;
  }
  return syllables > 0 && primaries === 1 ? { syllables, stressed } : null;
}

/**
 * Lines of text → espeak-ng's IPA output lines (one clause per line; a line of input without
 * punctuation is one clause), or null when the program failed or timed out. Injectable so
 * tests and other G2P back ends need not spawn espeak-ng.
 */
export type IpaTranscriber = (lines: readonly string[]) => Promise<readonly string[] | null>;

export interface EspeakTranscriberOptions {
  readonly command?: string;
  readonly voice?: string;
  readonly timeoutMs?: number;
}

export const DEFAULT_STRESS_ESPEAK_TIMEOUT_MS = 2_000;

/**
 * One espeak-ng process for all `lines` (text on stdin, so nothing can be read as an option).
 *
 * ### Examples
 * ```ts
 * await espeakIpaTranscriber()(['today', 'banana']); // ['t_ə_d_ˈeɪ', 'b_ɐ_n_ˈæ_n_ə']
 * ```
 */
export function espeakIpaTranscriber(options: EspeakTranscriberOptions = {}): IpaTranscriber {
  const command = options.command ?? 'espeak-ng';
  const voice = options.voice ?? 'en-us';
  const timeout = options.timeoutMs ?? DEFAULT_STRESS_ESPEAK_TIMEOUT_MS;
  return (lines) =>
    new Promise((resolve) => {
      const child = execFile(
        command,
        ['-q', '--ipa', '--sep=_', '-v', voice],
        { encoding: 'utf8', timeout, maxBuffer: 1 << 20 },
        (error, stdout) => {
          if (error) return resolve(null);
          const out = stdout.split('\n').map((l) => l.trim());
          while (out.length > 0 && out.at(-1) === '') out.pop();
          resolve(out);
        },
      );
      // espeak-ng missing or exiting early: the callback reports it; the pipe must not throw.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(lines.join('\n') + '\n');
    });
}

/** Sentences (normalised words) remembered by `StressDictionary` unless told otherwise. */
export const DEFAULT_STRESS_CACHE_SIZE = 2_000;

type SentenceStress = readonly (ExpectedStress | null)[];

/**
 * Expected stress of every word of a sentence, with an LRU cache of sentences (learners read
 * the same prompts again and again). Each word is transcribed alone and within its sentence:
 * in context espeak-ng tells the verb from the noun (`to record` vs `the record`), so the
 * context reading wins when it has a primary stress, the word alone otherwise. Never rejects:
 * when espeak-ng fails every word is null (and nothing is cached, so the next call retries).
 *
 * ### Examples
 * ```ts
 * const dictionary = new StressDictionary();
 * const [forA, forB] = await dictionary.lookup([['the', 'elephant'], ['today']]);
 * forA![1]; // { syllables: 3, stressed: 0 }
 * forB![0]; // { syllables: 2, stressed: 1 }
 * ```
 */
export class StressDictionary {
  readonly #transcribe: IpaTranscriber;
  readonly #capacity: number;
  readonly #cache = new Map<string, SentenceStress>();

  constructor(options: { readonly transcribe?: IpaTranscriber; readonly capacity?: number } = {}) {
    this.#transcribe = options.transcribe ?? espeakIpaTranscriber();
    this.#capacity = options.capacity ?? DEFAULT_STRESS_CACHE_SIZE;
  }

  /** Per sentence, per word: its expected stress or null. One transcriber call at most. */
  async lookup(sentences: readonly (readonly string[])[]): Promise<readonly SentenceStress[]> {
    const keys = sentences.map((s) => s.join(' '));
    const missing = [...new Set(keys.filter((k) => k !== '' && !this.#hit(k)))];
    if (missing.length > 0) await this.#fill(missing);
    return sentences.map((s, i) => this.#cache.get(keys[i]!) ?? s.map(() => null));
  }

  #hit(key: string): boolean {
    const value = this.#cache.get(key);
    if (value === undefined) return false;
    this.#cache.delete(key);
    this.#cache.set(key, value);
    return true;
  }

  async #fill(keys: readonly string[]): Promise<void> {
    const sentences = keys.map((k) => k.split(' '));
    const words = [...new Set(sentences.flat())];
    let out: readonly string[] | null = null;
    try {
      out = await this.#transcribe([...words, ...keys]);
    } catch {
      out = null;
    }
    if (out === null || out.length < words.length) return;
    const alone = new Map(words.map((w, i) => [w, parseStressedIpa(out[i]!)]));
    // A sentence espeak split into several clauses no longer lines up line by line: those
    // sentences use the words alone.
    const contextLines = out.length === words.length + keys.length ? out.slice(words.length) : [];
    sentences.forEach((sentence, s) => {
      const context = contextLines[s]?.split(/\s+/u) ?? [];
      const inContext = context.length === sentence.length;
      const stress = sentence.map((word, i) => {
        const fromContext = inContext ? parseStressedIpa(context[i]!) : null;
        return fromContext ?? alone.get(word) ?? null;
      });
      this.#cache.set(keys[s]!, stress);
      if (this.#cache.size > this.#capacity) this.#cache.delete(this.#cache.keys().next().value!);
    });
  }
}

/** A vowel segment, seconds from the start of the audio. */
export interface VowelSegment {
  readonly startSec: number;
  readonly endSec: number;
}

/**
 * How much each cue counts in a vowel's prominence (each cue is a z-score over the
 * utterance's vowels). Equal by default: loudness, length and pitch all mark English stress,
 * and without stress-labelled data to fit on, no cue has earned a larger share.
 */
export interface ProminenceWeights {
  readonly energy: number;
  readonly duration: number;
  readonly pitch: number;
}

export const DEFAULT_PROMINENCE_WEIGHTS: ProminenceWeights = Object.freeze({
  energy: 1,
  duration: 1,
  pitch: 1,
});

/**
 * Per 10 ms frame: energy in dB and F0 in Hz (0 unvoiced); frame t is centred at
 * `firstCentreSec + t × frameShiftSec`.
 */
export interface ProsodyTrack {
  readonly energyDb: Float32Array;
  readonly f0: Float32Array;
  readonly frameShiftSec: number;
  /** Centre of frame 0, seconds from the start of the audio. */
  readonly firstCentreSec: number;
}

const SAMPLE_RATE = 16_000;
// Synchronous and reused by every request, as audio/features asks.
const pitchTracker = new PitchTracker({ sampleRate: SAMPLE_RATE });

/** Frames of context kept on each side of the vowels' span (pitch windows reach past a frame). */
const SPAN_MARGIN_FRAMES = 5;

/**
 * Energy and pitch of 16 kHz mono samples, on the same 25 ms / 10 ms frames; only within
 * `span` (plus a margin) when given: the silence around the speech costs pitch tracking time.
 *
 * ### Examples
 * ```ts
 * const track = prosodyTrack(samples, { startSec: 0.5, endSec: 2.1 });
 * track.firstCentreSec; // 0.4625: frames are on the whole-audio grid
 * ```
 */
export function prosodyTrack(samples: Float32Array, span?: VowelSegment): ProsodyTrack {
  const shift = pitchTracker.frameShift;
  const first = span
    ? Math.max(0, Math.floor((span.startSec * SAMPLE_RATE) / shift) - SPAN_MARGIN_FRAMES)
    : 0;
  const end = span
    ? Math.min(samples.length, Math.ceil(span.endSec * SAMPLE_RATE) + SPAN_MARGIN_FRAMES * shift)
    : samples.length;
  const part = samples.subarray(first * shift, Math.max(first * shift, end));
  const energyDb = frameEnergiesDb(part, SAMPLE_RATE);
  const { f0, frameShiftSec } = pitchTracker.track(part);
  const firstCentreSec = (first * shift + pitchTracker.frameLength / 2) / SAMPLE_RATE;
  return { energyDb, f0, frameShiftSec, firstCentreSec };
}

function zScores(values: Float64Array): Float64Array {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n += 1;
    sum += v;
  }
  const mean = n > 0 ? sum / n : 0;
  let sq = 0;
  for (const v of values) if (Number.isFinite(v)) sq += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(sq / n) : 0;
  // A cue that does not vary (or a vowel without it, e.g. no voiced frame) counts as average.
  return values.map((v) => (Number.isFinite(v) && sd > 1e-9 ? (v - mean) / sd : 0));
}

/**
 * Prominence of each vowel: Σ weight × z(cue) over mean energy (dB), duration and mean F0 of
 * its voiced frames, z-normalised over `vowels` (the utterance's vowels).
 *
 * ### Examples
 * ```ts
 * const p = vowelProminence(vowels, prosodyTrack(samples));
 * p.indexOf(Math.max(...p)); // the most prominent vowel
 * ```
 */
export function vowelProminence(
  vowels: readonly VowelSegment[],
  track: ProsodyTrack,
  weights: ProminenceWeights = DEFAULT_PROMINENCE_WEIGHTS,
): Float64Array {
  const energy = new Float64Array(vowels.length);
  const duration = new Float64Array(vowels.length);
  const pitch = new Float64Array(vowels.length);
  const frames = Math.min(track.energyDb.length, track.f0.length);
  vowels.forEach((v, i) => {
    // Frames whose centre lies in the vowel; at least one, the nearest, for very short vowels.
    let first = Math.ceil((v.startSec - track.firstCentreSec) / track.frameShiftSec - 1e-9);
    let last = Math.ceil((v.endSec - track.firstCentreSec) / track.frameShiftSec - 1e-9);
    first = Math.max(0, Math.min(first, frames - 1));
    last = Math.max(first + 1, Math.min(last, frames));
    let e = 0;
    let hz = 0;
    let voiced = 0;
    for (let t = first; t < last; t++) {
      e += track.energyDb[t]!;
      if (track.f0[t]! > 0) {
        hz += track.f0[t]!;
        voiced += 1;
      }
    }
    energy[i] = frames > 0 ? e / (last - first) : NaN;
    duration[i] = v.endSec - v.startSec;
    pitch[i] = voiced > 0 ? hz / voiced : NaN;
  });
  const ze = zScores(energy);
  const zd = zScores(duration);
  const zp = zScores(pitch);
  return ze.map(
    (_, i) => weights.energy * ze[i]! + weights.duration * zd[i]! + weights.pitch * zp[i]!,
  );
}

/** A scored word as far as stress is concerned: its aligned phones and whether it was said. */
export interface StressWordInput {
  readonly omitted: boolean;
  readonly phones: readonly {
    readonly phone: string;
    readonly startSec: number;
    readonly endSec: number;
  }[];
}

/**
 * Word stress of each word: null for omitted words, words of one syllable, and words whose
 * expected stress is unknown or counts other syllables than the vowels aligned. Pass the track
 * as a function (of the vowels' span) to compute it only when some word needs it, and only
 * where the vowels are.
 *
 * ### Examples
 * ```ts
 * const [expected] = await dictionary.lookup([sentence]);
 * const stress = detectWordStress(
 *   scores.words,
 *   scores.words.map((w) => expected![w.index] ?? null),
 *   (span) => prosodyTrack(samples, span),
 * );
 * ```
 */
export function detectWordStress(
  words: readonly StressWordInput[],
  expected: readonly (ExpectedStress | null)[],
  track: ProsodyTrack | ((span: VowelSegment) => ProsodyTrack),
  weights: ProminenceWeights = DEFAULT_PROMINENCE_WEIGHTS,
): (WordStress | null)[] {
  const vowels: VowelSegment[] = [];
  const firstVowel: number[] = [];
  const wanted = words.map((w, i) => {
    firstVowel.push(vowels.length);
    if (w.omitted) return null;
    const own = w.phones.filter((p) => VOWEL_PHONES.has(p.phone));
    vowels.push(...own);
    const e = expected[i] ?? null;
    return e !== null && e.syllables >= 2 && e.syllables === own.length ? e : null;
  });
  if (wanted.every((e) => e === null)) return words.map(() => null);
  const span = { startSec: vowels[0]!.startSec, endSec: vowels.at(-1)!.endSec };
  const prominence = vowelProminence(
    vowels,
    typeof track === 'function' ? track(span) : track,
    weights,
  );
  return wanted.map((e, i) => {
    if (e === null) return null;
    let detected = 0;
    for (let s = 1; s < e.syllables; s++)
      if (prominence[firstVowel[i]! + s]! > prominence[firstVowel[i]! + detected]!) detected = s;
    return {
      syllables: e.syllables,
      expectedStressedSyllable: e.stressed,
      detectedStressedSyllable: detected,
      decision: detected === e.stressed ? 'correct' : 'incorrect',
    };
  });
}
