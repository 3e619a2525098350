/**
 * The koffi binding to pocketsphinx 5prealpha (Debian `libpocketsphinx3`, `libsphinxbase3`).
 * Raw pointers never leave this file: callers get a `PocketsphinxDecoder` with typed methods,
 * and everything native is freed by `close()`.
 *
 * Score units, the one surprising thing about this library: HMM path scores inside the FSG and
 * allphone searches are kept in log-math units shifted right by SENSCR_SHIFT (10 bits), while
 * the lattice the n-gram search builds for `-bestpath yes` stores unshifted log-math units (we
 * checked: the same word's lattice score is exactly 1024 times its backpointer score). Each
 * search kind is converted with its own scale so every `acousticScore` here is a natural log.
 * Acoustic scores are normalised per frame by pocketsphinx (each frame's best computed senone
 * scores 0), so they are relative log-likelihoods: comparable between paths over the same
 * frames, not absolute probabilities.
 */
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';

/** Decoder flags, exactly as pocketsphinx spells them (`{ '-beam': '1e-48' }`). */
export type DecoderFlags = Readonly<Record<`-${string}`, string>>;

/** One segment of a best path, in pocketsphinx's own terms. */
export interface RawSegment {
  /** The search's word: 'hello(2)', '<sil>', 'ph_ah', or a phone ('AH', 'SIL') in allphone. */
  readonly word: string;
  readonly startFrame: number;
  /** Inclusive. */
  readonly endFrame: number;
  /** Natural-log acoustic score of the segment. */
  readonly acousticScore: number;
  /** Natural-log posterior probability (n-gram search with bestpath; 0 elsewhere). */
  readonly logPosterior: number;
}

export interface DecodeResult {
  /** Null when the search found no complete path (for an FSG: the final state was not reached). */
  readonly hypothesis: string | null;
  readonly segments: readonly RawSegment[];
  /** Frames the decoder processed (10 ms each at the model's 100 frames per second). */
  readonly frames: number;
}

/** A finite-state grammar, built programmatically (no JSGF parsing). */
export interface FsgSpec {
  readonly states: number;
  readonly start: number;
  readonly final: number;
  /** `word: null` is an epsilon (null) transition. Probabilities are 1. */
  readonly arcs: readonly {
    readonly from: number;
    readonly to: number;
    readonly word: string | null;
  }[];
  /** Optional filler self-loops (silence) on the listed states. */
  readonly silence?: {
    readonly word: string;
    readonly states: readonly number[];
    readonly probability: number;
  };
}

/** How a search stores acoustic scores; see the file comment. */
export type SearchKind = 'fsg' | 'allphone' | 'ngram';

/** pocketsphinx `SENSCR_SHIFT`: HMM scores are log-math values shifted right by 10 bits. */
const SENSCR_SHIFT_FACTOR = 1024;

/**
 * Byte offsets in sphinxbase's `struct fsg_model_s` (x86-64/aarch64 LP64 layout):
 * `int refcount; char *name; int32 n_word, n_word_alloc; char **vocab; bitvec_t *silwords,
 * *altwords; logmath_t *lmath; int32 n_state, start_state, final_state; float32 lw; ...`.
 * `fsg_model_init` sets `n_state` but the start and final states have no setter, so they are
 * written directly. `open()` checks the layout once by reading `n_state` back.
 */
const FSG_N_STATE_OFFSET = 56;
const FSG_START_STATE_OFFSET = 60;
const FSG_FINAL_STATE_OFFSET = 64;

type Ptr = unknown;
type Fn<A extends unknown[], R> = (...args: A) => R;

interface Bindings {
  readonly cmdLnInit: Fn<unknown[], Ptr>;
  readonly cmdLnFree: Fn<[Ptr], number>;
  readonly cmdLnSetFloat: Fn<[Ptr, string, number], void>;
  readonly errSetLogfp: Fn<[null], void>;
  readonly logmathLogToLn: Fn<[Ptr, number], number>;
  readonly fsgInit: Fn<[string, Ptr, number, number], Ptr>;
  readonly fsgWordAdd: Fn<[Ptr, string], number>;
  readonly fsgTransAdd: Fn<[Ptr, number, number, number, number], void>;
  readonly fsgNullTransAdd: Fn<[Ptr, number, number, number], number>;
  readonly fsgAddSilence: Fn<[Ptr, string, number, number], number>;
  readonly fsgFree: Fn<[Ptr], number>;
  readonly psArgs: Fn<[], Ptr>;
  readonly psInit: Fn<[Ptr], Ptr>;
  readonly psFree: Fn<[Ptr], number>;
  readonly psGetConfig: Fn<[Ptr], Ptr>;
  readonly psGetLogmath: Fn<[Ptr], Ptr>;
  readonly psStartStream: Fn<[Ptr], number>;
  readonly psStartUtt: Fn<[Ptr], number>;
  readonly psProcessRaw: Fn<[Ptr, Int16Array, number, number, number], number>;
  readonly psEndUtt: Fn<[Ptr], number>;
  readonly psGetHyp: Fn<[Ptr, number[]], string | null>;
  readonly psGetNFrames: Fn<[Ptr], number>;
  readonly psSegIter: Fn<[Ptr], Ptr>;
  readonly psSegNext: Fn<[Ptr], Ptr>;
  readonly psSegWord: Fn<[Ptr], string>;
  readonly psSegFrames: Fn<[Ptr, number[], number[]], void>;
  readonly psSegProb: Fn<[Ptr, number[], number[], number[]], number>;
  readonly psSetFsg: Fn<[Ptr, string, Ptr], number>;
  readonly psSetAllphoneFile: Fn<[Ptr, string, string | null], number>;
  readonly psSetSearch: Fn<[Ptr, string], number>;
  readonly psUnsetSearch: Fn<[Ptr, string], number>;
  readonly psAddWord: Fn<[Ptr, string, string, number], number>;
  readonly psLookupWord: Fn<[Ptr, string], string | null>;
}

let loaded: Bindings | undefined;

/** Loads the shared libraries once per process (they are process-wide anyway). */
function bindings(): Bindings {
  if (loaded) return loaded;
  const sb = koffi.load('libsphinxbase.so.3');
  const ps = koffi.load('libpocketsphinx.so.3');
  // ps_lookup_word returns a malloc'd string the caller owns: a disposable type frees it.
  const ownedString = koffi.disposable('str');
  const f = <A extends unknown[], R>(lib: LibraryHandle, proto: string): Fn<A, R> =>
    lib.func(proto) as unknown as Fn<A, R>;
  loaded = {
    cmdLnInit: f(sb, 'void *cmd_ln_init(void *inout, void *defn, int strict, ...)'),
    cmdLnFree: f(sb, 'int cmd_ln_free_r(void *cmdln)'),
    cmdLnSetFloat: f(sb, 'void cmd_ln_set_float_r(void *cmdln, const char *name, double fv)'),
    errSetLogfp: f(sb, 'void err_set_logfp(void *fp)'),
    logmathLogToLn: f(sb, 'double logmath_log_to_ln(void *lmath, int logb_p)'),
    fsgInit: f(sb, 'void *fsg_model_init(const char *name, void *lmath, float lw, int n_state)'),
    fsgWordAdd: f(sb, 'int fsg_model_word_add(void *fsg, const char *word)'),
    fsgTransAdd: f(sb, 'void fsg_model_trans_add(void *fsg, int from, int to, int logp, int wid)'),
    fsgNullTransAdd: f(sb, 'int fsg_model_null_trans_add(void *fsg, int from, int to, int logp)'),
    fsgAddSilence: f(
      sb,
      'int fsg_model_add_silence(void *fsg, const char *silword, int state, float silprob)',
    ),
    fsgFree: f(sb, 'int fsg_model_free(void *fsg)'),
    psArgs: f(ps, 'void *ps_args()'),
    psInit: f(ps, 'void *ps_init(void *config)'),
    psFree: f(ps, 'int ps_free(void *ps)'),
    psGetConfig: f(ps, 'void *ps_get_config(void *ps)'),
    psGetLogmath: f(ps, 'void *ps_get_logmath(void *ps)'),
    psStartStream: f(ps, 'int ps_start_stream(void *ps)'),
    psStartUtt: f(ps, 'int ps_start_utt(void *ps)'),
    psProcessRaw: f(
      ps,
      'int ps_process_raw(void *ps, const int16_t *data, size_t n_samples, int no_search, int full_utt)',
    ),
    psEndUtt: f(ps, 'int ps_end_utt(void *ps)'),
    psGetHyp: f(ps, 'const char *ps_get_hyp(void *ps, _Out_ int32_t *out_best_score)'),
    psGetNFrames: f(ps, 'int ps_get_n_frames(void *ps)'),
    psSegIter: f(ps, 'void *ps_seg_iter(void *ps)'),
    psSegNext: f(ps, 'void *ps_seg_next(void *seg)'),
    psSegWord: f(ps, 'const char *ps_seg_word(void *seg)'),
    psSegFrames: f(ps, 'void ps_seg_frames(void *seg, _Out_ int *out_sf, _Out_ int *out_ef)'),
    psSegProb: f(
      ps,
      'int32_t ps_seg_prob(void *seg, _Out_ int32_t *ascr, _Out_ int32_t *lscr, _Out_ int32_t *lback)',
    ),
    psSetFsg: f(ps, 'int ps_set_fsg(void *ps, const char *name, void *fsg)'),
    psSetAllphoneFile: f(
      ps,
      'int ps_set_allphone_file(void *ps, const char *name, const char *path)',
    ),
    psSetSearch: f(ps, 'int ps_set_search(void *ps, const char *name)'),
    psUnsetSearch: f(ps, 'int ps_unset_search(void *ps, const char *name)'),
    psAddWord: f(ps, 'int ps_add_word(void *ps, const char *word, const char *phones, int update)'),
    psLookupWord: ps.func('ps_lookup_word', ownedString, [
      'void *',
      'const char *',
    ]) as unknown as Fn<[Ptr, string], string | null>,
  };
  // All library logging off; -logfn /dev/null per decoder covers what is logged during init.
  loaded.errSetLogfp(null);
  return loaded;
}

/** A pocketsphinx call failed: a programming or model error, never the caller's audio. */
export class PocketsphinxError extends Error {
  override readonly name = 'PocketsphinxError';
}

/**
 * One pocketsphinx decoder (one configuration). Not thread-safe, not reentrant: one utterance
 * at a time, which is how the worker uses it.
 *
 * ### Examples
 * ```ts
 * const dec = PocketsphinxDecoder.open({ '-hmm': hmm, '-dict': dict, '-remove_silence': 'no' });
 * dec.setFsg('align', wordChainGraph(['hello', 'world'], '<sil>'));
 * const { segments } = dec.decode(pcm);
 * dec.close();
 * ```
 */
export class PocketsphinxDecoder {
  readonly #b: Bindings;
  #ps: Ptr;
  readonly #lnPerLogUnit: number;
  readonly #ngramScale: number;
  #kind: SearchKind;

  private constructor(b: Bindings, ps: Ptr, ngramScale: number) {
    this.#b = b;
    this.#ps = ps;
    this.#lnPerLogUnit = b.logmathLogToLn(b.psGetLogmath(ps), 1);
    this.#ngramScale = ngramScale;
    this.#kind = 'ngram';
  }

  /** Creates a decoder; `flags` are pocketsphinx command-line flags (strings). ~100-300 ms. */
  static open(flags: DecoderFlags): PocketsphinxDecoder {
    const b = bindings();
    const args: unknown[] = [];
    for (const [name, value] of Object.entries({ '-logfn': '/dev/null', ...flags }))
      args.push('str', name, 'str', value);
    args.push('void *', null);
    const config = b.cmdLnInit(null, b.psArgs(), 1, ...args);
    if (!config) throw new PocketsphinxError('cmd_ln_init rejected the decoder flags');
    const ps = b.psInit(config);
    // ps_init keeps its own reference to the configuration.
    b.cmdLnFree(config);
    if (!ps) throw new PocketsphinxError('ps_init failed (model or dictionary not loadable)');
    // Lattice scores are unshifted log-math units; with -bestpath no the n-gram search answers
    // from its backpointer table, which is shifted like the others.
    const ngramScale = flags['-bestpath'] === 'no' ? SENSCR_SHIFT_FACTOR : 1;
    const decoder = new PocketsphinxDecoder(b, ps, ngramScale);
    decoder.#checkFsgLayout();
    return decoder;
  }

  #live(): Ptr {
    if (!this.#ps) throw new PocketsphinxError('decoder is closed');
    return this.#ps;
  }

  #checkFsgLayout(): void {
    const b = this.#b;
    const fsg = b.fsgInit('layout-check', b.psGetLogmath(this.#live()), 1, 7);
    try {
      if (koffi.decode(fsg, FSG_N_STATE_OFFSET, 'int32_t') !== 7)
        throw new PocketsphinxError('unexpected fsg_model_t layout in this sphinxbase build');
    } finally {
      b.fsgFree(fsg);
    }
  }

  /**
   * Sets the beams of searches created from now on (each search reads them when it is built).
   * Values are probabilities, as on the command line (1e-48).
   */
  setBeams(beams: { readonly beam: number; readonly pbeam: number; readonly wbeam: number }): void {
    const config = this.#b.psGetConfig(this.#live());
    this.#b.cmdLnSetFloat(config, '-beam', beams.beam);
    this.#b.cmdLnSetFloat(config, '-pbeam', beams.pbeam);
    this.#b.cmdLnSetFloat(config, '-wbeam', beams.wbeam);
  }

  /** Builds `spec` as the FSG search `name` (replacing one of the same name) and activates it. */
  setFsg(name: string, spec: FsgSpec): void {
    const b = this.#b;
    const ps = this.#live();
    const fsg = b.fsgInit(name, b.psGetLogmath(ps), 1, spec.states);
    if (!fsg) throw new PocketsphinxError('fsg_model_init failed');
    try {
      koffi.encode(fsg, FSG_START_STATE_OFFSET, 'int32_t', spec.start);
      koffi.encode(fsg, FSG_FINAL_STATE_OFFSET, 'int32_t', spec.final);
      for (const arc of spec.arcs) {
        if (arc.word === null) {
          b.fsgNullTransAdd(fsg, arc.from, arc.to, 0);
        } else {
          const wid = b.fsgWordAdd(fsg, arc.word);
          if (wid < 0) throw new PocketsphinxError(`fsg_model_word_add failed for '${arc.word}'`);
          b.fsgTransAdd(fsg, arc.from, arc.to, 0, wid);
        }
      }
      if (spec.silence)
        for (const state of spec.silence.states)
          if (b.fsgAddSilence(fsg, spec.silence.word, state, spec.silence.probability) < 0)
            throw new PocketsphinxError('fsg_model_add_silence failed');
      // Unset first: replacing a search in place leaves the decoder's table keyed by the freed
      // search's name in some builds.
      b.psUnsetSearch(ps, name);
      if (b.psSetFsg(ps, name, fsg) < 0)
        throw new PocketsphinxError(
          `ps_set_fsg failed for '${name}' (a word not in the dictionary?)`,
        );
    } finally {
      // The search keeps its own reference.
      b.fsgFree(fsg);
    }
    this.#use(name, 'fsg');
  }

  /** Builds the phone-loop search `name` (no phone LM when `phoneLmPath` is null) and activates it. */
  setAllphone(name: string, phoneLmPath: string | null): void {
    const ps = this.#live();
    this.#b.psUnsetSearch(ps, name);
    if (this.#b.psSetAllphoneFile(ps, name, phoneLmPath) < 0)
      throw new PocketsphinxError(`ps_set_allphone_file failed for '${name}'`);
    this.#use(name, 'allphone');
  }

  /** Marks the decoder's initial n-gram search (from `-lm`) as the one in use. */
  useNgram(): void {
    this.#kind = 'ngram';
  }

  #use(name: string, kind: SearchKind): void {
    if (this.#b.psSetSearch(this.#live(), name) < 0)
      throw new PocketsphinxError(`ps_set_search failed for '${name}'`);
    this.#kind = kind;
  }

  /**
   * Decodes one whole utterance (16 kHz mono int16) with the active search. Each utterance is
   * its own stream: the front end's adaptive state (noise estimate) is reset, so a result
   * depends on its audio only, not on what the decoder heard before. (The very first utterance
   * of a decoder still differs slightly; the engine decodes a warm-up utterance at load.)
   */
  decode(pcm: Int16Array): DecodeResult {
    const b = this.#b;
    const ps = this.#live();
    if (b.psStartStream(ps) < 0) throw new PocketsphinxError('ps_start_stream failed');
    if (b.psStartUtt(ps) < 0) throw new PocketsphinxError('ps_start_utt failed');
    if (pcm.length > 0 && b.psProcessRaw(ps, pcm, pcm.length, 0, 1) < 0) {
      b.psEndUtt(ps);
      throw new PocketsphinxError('ps_process_raw failed');
    }
    if (b.psEndUtt(ps) < 0) throw new PocketsphinxError('ps_end_utt failed');
    const frames = b.psGetNFrames(ps);
    const hypothesis = b.psGetHyp(ps, [0]);
    if (hypothesis === null) return { hypothesis, segments: [], frames };
    const scale =
      this.#lnPerLogUnit * (this.#kind === 'ngram' ? this.#ngramScale : SENSCR_SHIFT_FACTOR);
    const lmath = b.psGetLogmath(ps);
    const segments: RawSegment[] = [];
    const sf = [0];
    const ef = [0];
    const ascr = [0];
    const lscr = [0];
    const lback = [0];
    // ps_seg_next frees the iterator when it returns NULL; we always iterate to the end.
    for (let seg = b.psSegIter(ps); seg; seg = b.psSegNext(seg)) {
      b.psSegFrames(seg, sf, ef);
      const prob = b.psSegProb(seg, ascr, lscr, lback);
      // allphone reports every phone's insertion penalty as its "LM" score and subtracts it
      // from the path score, but the first phone never paid one: add it back there.
      const unpaid = this.#kind === 'allphone' && segments.length === 0 ? (lscr[0] ?? 0) : 0;
      segments.push({
        word: b.psSegWord(seg),
        startFrame: sf[0] ?? 0,
        endFrame: ef[0] ?? 0,
        acousticScore: ((ascr[0] ?? 0) + unpaid) * scale,
        logPosterior: this.#kind === 'ngram' ? b.logmathLogToLn(lmath, prob) : 0,
      });
    }
    return { hypothesis, segments, frames };
  }

  /** The dictionary pronunciation of `word` (space-separated phones), or null. */
  lookupWord(word: string): string | null {
    return this.#b.psLookupWord(this.#live(), word);
  }

  /** Adds `word` to the dictionary (not to any language model). */
  addWord(word: string, phones: readonly string[]): void {
    if (this.#b.psAddWord(this.#live(), word, phones.join(' '), 0) < 0)
      throw new PocketsphinxError(`ps_add_word failed for '${word}' (${phones.join(' ')})`);
  }

  close(): void {
    if (!this.#ps) return;
    this.#b.psFree(this.#ps);
    this.#ps = null;
  }
}
