/**
 * The decoding operations, synchronous and in-process: what one worker runs. Three decoders,
 * one per configuration (alignment FSGs, free phone loop, word LM), loaded once and reused.
 *
 * Alignment is two passes over the same audio: words first (the grammar chooses among
 * dictionary variants), then the chosen phones, each phone a dictionary "word" (`ph_ah` → AH)
 * so the FSG search gives per-phone times and scores with the same context-dependent models.
 * The reported alignment is the phone pass's path: a word spans its phones and scores their
 * sum, fillers are that path's silences, and the total is that path's score. (The two passes
 * place boundaries differently by tens of milliseconds; taking both would give words that do
 * not contain their own phones.)
 */
import type { AlignedWord, Alignment, Recognition, TimedSegment } from './asr-engine.js';
import { AsrRefusal } from './asr-engine-error.js';
import {
  ALIGN_BEAMS,
  ALIGN_RETRY_BEAMS,
  DEFAULT_MODEL_PATHS,
  alignFlags,
  lmFlags,
  loopFlags,
  type AsrModelPaths,
} from './decoder-flags.js';
import { espeakG2p, type GraphemeToPhoneme } from './espeak-g2p.js';
import { phoneChainGraph, sentenceUnionGraph, wordChainGraph } from './fsg-graphs.js';
import { ARPABET_PHONES } from './ipa-to-arpabet.js';
import { Lexicon, baseWord, type ResolvedWord } from './lexicon.js';
import {
  PocketsphinxDecoder,
  type DecodeResult,
  type DecoderFlags,
  type FsgSpec,
  type RawSegment,
} from './pocketsphinx.js';

/** The model's frame rate (`-frate`, 10 ms frames). */
const FRAMES_PER_SECOND = 100;
const SAMPLE_RATE = 16_000;
const SILENCE_LABEL = 'SIL';
const PHONE_WORD_PREFIX = 'ph_';
const ALIGN_SEARCH = 'align';
const LOOP_SEARCH = 'loop';

export interface PocketsphinxEngineOptions {
  readonly model?: Partial<AsrModelPaths>;
  /** Pronunciations for words the dictionary lacks; espeak-ng unless given. */
  readonly g2p?: GraphemeToPhoneme;
  /** Tuning experiments only: flags merged over each decoder's tuned flags. */
  readonly flags?: {
    readonly align?: DecoderFlags;
    readonly loop?: DecoderFlags;
    readonly lm?: DecoderFlags;
  };
}

/** The word pass of an alignment: which pronunciation of each word the audio fits best. */
export interface WordPass {
  /** Dictionary entries in order, variants included (`'read(2)'`). */
  readonly entries: readonly string[];
  readonly generatedPronunciations: readonly string[];
}

/**
 * ### Examples
 * ```ts
 * const engine = PocketsphinxEngine.open();
 * const alignment = engine.align(pcm, ['we', 'call', 'it', 'bear']);
 * engine.close();
 * ```
 */
export class PocketsphinxEngine {
  readonly #align: PocketsphinxDecoder;
  readonly #loop: PocketsphinxDecoder;
  readonly #lm: PocketsphinxDecoder;
  readonly #lexicon: Lexicon;

  private constructor(
    align: PocketsphinxDecoder,
    loop: PocketsphinxDecoder,
    lm: PocketsphinxDecoder,
    g2p: GraphemeToPhoneme,
  ) {
    this.#align = align;
    this.#loop = loop;
    this.#lm = lm;
    this.#lexicon = new Lexicon(align, g2p);
  }

  /** Loads the three decoders (~0.5 s). */
  static open(options: PocketsphinxEngineOptions = {}): PocketsphinxEngine {
    const model = { ...DEFAULT_MODEL_PATHS, ...options.model };
    const opened: PocketsphinxDecoder[] = [];
    try {
      const align = PocketsphinxDecoder.open({ ...alignFlags(model), ...options.flags?.align });
      opened.push(align);
      for (const phone of ARPABET_PHONES) align.addWord(phoneWord(phone), [phone]);
      const loop = PocketsphinxDecoder.open({ ...loopFlags(model), ...options.flags?.loop });
      opened.push(loop);
      loop.setAllphone(LOOP_SEARCH, null);
      const lm = PocketsphinxDecoder.open({ ...lmFlags(model), ...options.flags?.lm });
      opened.push(lm);
      lm.useNgram();
      const engine = new PocketsphinxEngine(align, loop, lm, options.g2p ?? espeakG2p());
      engine.#warmUp();
      return engine;
    } catch (e) {
      for (const decoder of opened) decoder.close();
      throw e;
    }
  }

  /** Word pass, then phone pass. */
  align(pcm: Int16Array, words: readonly string[]): Alignment {
    return this.alignPhones(pcm, this.alignWords(pcm, words));
  }

  /** Forced alignment of `words` at word level. */
  alignWords(pcm: Int16Array, words: readonly string[]): WordPass {
    const resolved = words.map((w) => this.#lexicon.resolve(w));
    const entries = resolved.map((r) => r.entry);
    const result = this.#decodeFsg(wordChainGraph(entries), pcm, (path) =>
      sameWords(path, entries),
    );
    return wordPass(result, resolved);
  }

  /** The phone pass over the pronunciations `pass` chose; the alignment reported. */
  alignPhones(pcm: Int16Array, pass: WordPass): Alignment {
    const pronunciations = pass.entries.map((entry) => this.#lexicon.phones(entry));
    const expected = pronunciations.flat().map(phoneWord);
    const result = this.#decodeFsg(phoneChainGraph(pronunciations, phoneWord), pcm, (path) =>
      sameWords(path, expected),
    );
    const phones: TimedSegment[] = [];
    const fillers: TimedSegment[] = [];
    let acousticScore = 0;
    for (const s of result.segments) {
      acousticScore += s.acousticScore;
      if (isFiller(s.word)) fillers.push(timed(SILENCE_LABEL, s));
      else phones.push(timed(s.word.slice(PHONE_WORD_PREFIX.length).toUpperCase(), s));
    }
    let next = 0;
    const words = pass.entries.map((entry, index): AlignedWord => {
      const own = phones.slice(next, next + (pronunciations[index]?.length ?? 0));
      next += own.length;
      return { ...span(baseWord(entry), own), index, phones: own };
    });
    const last = result.segments.at(-1);
    return {
      words,
      fillers: mergeSilences(fillers),
      acousticScore,
      frames: last ? last.endFrame + 1 : 0,
      generatedPronunciations: pass.generatedPronunciations,
    };
  }

  /** Free loop of context-independent phones; noise phones are reported as SIL. */
  phoneLoop(pcm: Int16Array): readonly TimedSegment[] {
    const result = this.#loop.decode(pcm);
    return mergeSilences(
      result.segments.map((s) => (isPhone(s.word) ? timed(s.word, s) : timed(SILENCE_LABEL, s))),
    );
  }

  /**
   * Free recognition with the word LM. Confidence is the word's posterior probability in the
   * bestpath lattice (pocketsphinx's forward-backward with its acoustic scale, `-ascale` 20).
   */
  recognize(pcm: Int16Array): Recognition {
    const result = this.#lm.decode(pcm);
    const words = result.segments
      .filter((s) => !isFiller(s.word))
      .map((s) => ({
        ...timed(baseWord(s.word), s),
        confidence: Math.min(1, Math.max(0, Math.exp(s.logPosterior))),
      }));
    return { text: words.map((w) => w.label).join(' '), words, frames: result.frames };
  }

  /**
   * Decodes with the union of the sentences: the winning branch is both the choice and its
   * word alignment; the phone pass then runs on that sentence only.
   */
  chooseSentence(
    pcm: Int16Array,
    sentences: readonly (readonly string[])[],
  ): { readonly index: number; readonly alignment: Alignment } {
    const resolved = sentences.map((words) => words.map((w) => this.#lexicon.resolve(w)));
    const entries = resolved.map((words) => words.map((w) => w.entry));
    const result = this.#decodeFsg(sentenceUnionGraph(entries), pcm, (path) =>
      entries.some((words) => sameWords(path, words)),
    );
    const index = entries.findIndex((words) => sameWords(result.segments, words));
    const chosen = resolved[index] ?? [];
    return { index, alignment: this.alignPhones(pcm, wordPass(result, chosen)) };
  }

  /** See `PocketsphinxDecoder.decode`: the first utterance of a decoder is not like the rest. */
  #warmUp(): void {
    const noise = warmUpAudio();
    this.#align.setFsg(ALIGN_SEARCH, wordChainGraph([phoneWord('AH')]));
    this.#align.decode(noise);
    this.#loop.decode(noise);
    this.#lm.decode(noise);
  }

  close(): void {
    this.#align.close();
    this.#loop.close();
    this.#lm.close();
  }

  /**
   * Decodes `spec` with the alignment decoder; when no path completes the grammar (or the
   * path is not one `accept`s), retries once with wide beams before refusing.
   */
  #decodeFsg(
    spec: FsgSpec,
    pcm: Int16Array,
    accept: (segments: readonly RawSegment[]) => boolean,
  ): DecodeResult {
    for (const beams of [ALIGN_BEAMS, ALIGN_RETRY_BEAMS]) {
      this.#align.setBeams(beams);
      this.#align.setFsg(ALIGN_SEARCH, spec);
      const result = this.#align.decode(pcm);
      if (result.hypothesis !== null && accept(result.segments)) return result;
    }
    const seconds = (pcm.length / SAMPLE_RATE).toFixed(2);
    throw new AsrRefusal('Unalignable', `no alignment of the text fits the audio (${seconds} s)`);
  }
}

/** One second of quiet deterministic noise (a linear congruential generator). */
function warmUpAudio(): Int16Array {
  const pcm = new Int16Array(SAMPLE_RATE);
  let x = 1;
  for (let i = 0; i < pcm.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    pcm[i] = ((x >>> 16) % 201) - 100;
  }
  return pcm;
}

function phoneWord(phone: string): string {
  return PHONE_WORD_PREFIX + phone.toLowerCase();
}

const PHONES: ReadonlySet<string> = new Set(ARPABET_PHONES);

function isPhone(label: string): boolean {
  return PHONES.has(label);
}

/** `<sil>`, `<s>`, `</s>`, `[NOISE]`, `+SPN+`: not words. */
function isFiller(word: string): boolean {
  return word.startsWith('<') || word.startsWith('[') || word.startsWith('+');
}

function sameWords(segments: readonly RawSegment[], entries: readonly string[]): boolean {
  let i = 0;
  for (const s of segments) {
    if (isFiller(s.word)) continue;
    if (baseWord(s.word) !== entries[i]) return false;
    i++;
  }
  return i === entries.length;
}

function wordPass(result: DecodeResult, resolved: readonly ResolvedWord[]): WordPass {
  return {
    entries: result.segments.filter((s) => !isFiller(s.word)).map((s) => s.word),
    generatedPronunciations: [...new Set(resolved.filter((r) => r.generated).map((r) => r.entry))],
  };
}

function timed(label: string, s: RawSegment): TimedSegment {
  return {
    label,
    startSec: s.startFrame / FRAMES_PER_SECOND,
    endSec: (s.endFrame + 1) / FRAMES_PER_SECOND,
    frames: s.endFrame - s.startFrame + 1,
    acousticScore: s.acousticScore,
  };
}

/** A word: from its first phone's start to its last phone's end, scored as their sum. */
function span(label: string, phones: readonly TimedSegment[]): TimedSegment {
  const first = phones[0];
  const last = phones.at(-1);
  if (!first || !last) throw new Error(`word '${label}' has no phones`);
  let acousticScore = 0;
  let frames = 0;
  for (const p of phones) {
    acousticScore += p.acousticScore;
    frames += p.frames;
  }
  return { label, startSec: first.startSec, endSec: last.endSec, frames, acousticScore };
}

/** Adjacent silence segments (the grammar's self-loop repeats) become one. */
function mergeSilences(segments: readonly TimedSegment[]): TimedSegment[] {
  const out: TimedSegment[] = [];
  for (const s of segments) {
    const prev = out.at(-1);
    if (
      prev &&
      prev.label === SILENCE_LABEL &&
      s.label === SILENCE_LABEL &&
      prev.endSec >= s.startSec - 1e-9
    ) {
      out[out.length - 1] = {
        label: SILENCE_LABEL,
        startSec: prev.startSec,
        endSec: s.endSec,
        frames: prev.frames + s.frames,
        acousticScore: prev.acousticScore + s.acousticScore,
      };
    } else out.push(s);
  }
  return out;
}
