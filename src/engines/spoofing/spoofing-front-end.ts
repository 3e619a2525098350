/**
 * The detector's input, computed as audio arrives: 16 kHz samples in any chunking → frames →
 * LFCC + Δ + ΔΔ → the frames the streaming VAD calls speech.
 *
 * Chunk invariance: samples are buffered until a whole frame is there, and every later step
 * sees only the sequence of frames, so the features do not depend on where the chunks were cut.
 * The deltas need two frames of context on either side (four for ΔΔ): a frame is emitted once
 * the four frames after it have arrived, and the frames before the first one are taken to be
 * the first one (edge replication). The last four frames of a stream wait for audio that may
 * never come; 40 ms out of seconds does not change a score. Training extracts its features with
 * this same class, so the model never sees features computed any other way.
 */
import { DEFAULT_LFCC, LfccAnalyzer, type LfccConfig } from './lfcc.js';
import { DEFAULT_STREAMING_VAD, StreamingVad, type StreamingVadConfig } from './streaming-vad.js';

/** The front-end configuration a model was trained with (stored in the model file). */
export interface FrontEndConfig {
  readonly lfcc: LfccConfig;
  readonly vad: StreamingVadConfig;
}

export const DEFAULT_FRONT_END: FrontEndConfig = Object.freeze({
  lfcc: DEFAULT_LFCC,
  vad: DEFAULT_STREAMING_VAD,
});

/** Regression half-window of the deltas (HTK formula), frames. */
const DELTA_WINDOW = 2;
/** Σ n² for n = 1..DELTA_WINDOW, twice. */
const DELTA_DENOMINATOR = 10;
/** Statics kept: frame t − 8 … t (ΔΔ of frame t − 4 needs them all). */
const STATIC_RING = 9;
/** Deltas kept: frame t − 6 … t − 2. */
const DELTA_RING = 5;
/** Frames a frame waits for before it is emitted. */
export const FRONT_END_LOOKAHEAD_FRAMES = 2 * DELTA_WINDOW;

/** Called with each speech frame's feature vector (reused between calls: copy to keep it). */
export type SpeechFrameSink = (features: Float64Array) => void;

/**
 * One stream's front end.
 *
 * ### Examples
 * ```ts
 * const frontEnd = new SpoofingFrontEnd(DEFAULT_FRONT_END);
 * frontEnd.push(chunk, (x) => sum += gmm.logLikelihood(x));
 * frontEnd.speechFrames; // frames emitted so far
 * ```
 */
export class SpoofingFrontEnd {
  readonly config: FrontEndConfig;
  /** Feature dimensions: 3 × numCeps. */
  readonly dims: number;
  readonly #lfcc: LfccAnalyzer;
  readonly #vad: StreamingVad;
  readonly #ceps: number;
  readonly #statics: Float64Array;
  readonly #deltas: Float64Array;
  readonly #speech: Uint8Array;
  readonly #out: Float64Array;
  readonly #scratch: Float64Array;
  #buffer: Float32Array;
  #buffered = 0;
  #frames = 0;
  #speechFrames = 0;

  constructor(config: FrontEndConfig = DEFAULT_FRONT_END) {
    this.config = config;
    this.#lfcc = new LfccAnalyzer(config.lfcc);
    this.#vad = new StreamingVad(config.vad);
    this.#ceps = config.lfcc.numCeps;
    this.dims = 3 * this.#ceps;
    this.#statics = new Float64Array(STATIC_RING * this.#ceps);
    this.#deltas = new Float64Array(DELTA_RING * this.#ceps);
    this.#speech = new Uint8Array(STATIC_RING);
    this.#out = new Float64Array(this.dims);
    this.#scratch = new Float64Array(this.#ceps);
    this.#buffer = new Float32Array(config.lfcc.frameLength);
  }

  /** Frames analysed so far (speech or not). */
  get frames(): number {
    return this.#frames;
  }

  /** Speech frames emitted so far. */
  get speechFrames(): number {
    return this.#speechFrames;
  }

  /** Feeds 16 kHz mono samples; `sink` receives every speech frame that became complete. */
  push(samples: Float32Array, sink: SpeechFrameSink): void {
    const { frameLength, frameShift } = this.config.lfcc;
    let at = 0;
    while (at < samples.length) {
      // Fill the buffer up to one frame, analyse, keep the overlap.
      if (this.#buffered === 0 && samples.length - at >= frameLength) {
        // Whole frames straight from the input: no copy.
        this.#frame(samples.subarray(at, at + frameLength), sink);
        at += frameShift;
        continue;
      }
      const take = Math.min(samples.length - at, frameLength - this.#buffered);
      this.#buffer.set(samples.subarray(at, at + take), this.#buffered);
      this.#buffered += take;
      at += take;
      if (this.#buffered < frameLength) break;
      this.#frame(this.#buffer.subarray(0, frameLength), sink);
      this.#buffer.copyWithin(0, frameShift, frameLength);
      this.#buffered = frameLength - frameShift;
    }
  }

  #frame(frame: Float32Array, sink: SpeechFrameSink): void {
    const c = this.#ceps;
    const t = this.#frames++;
    const level = this.#lfcc.analyse(frame, this.#scratch);
    this.#statics.set(this.#scratch, (t % STATIC_RING) * c);
    this.#speech[t % STATIC_RING] = this.#vad.isSpeech(level) ? 1 : 0;
    if (t >= DELTA_WINDOW)
      this.#regression(this.#statics, STATIC_RING, t, this.#deltas, DELTA_RING);
    if (t < 2 * DELTA_WINDOW) return;
    const j = t - 2 * DELTA_WINDOW;
    // Non-speech frames are analysed (their statics and deltas are the context of their
    // neighbours) but never emitted.
    if (this.#speech[j % STATIC_RING] !== 1) return;
    const out = this.#out;
    const s = (j % STATIC_RING) * c;
    const d = (j % DELTA_RING) * c;
    for (let i = 0; i < c; i++) {
      out[i] = this.#statics[s + i]!;
      out[c + i] = this.#deltas[d + i]!;
    }
    // ΔΔ_j from Δ_{j−2} … Δ_{j+2} (all in the ring; indices below 0 replicate Δ_0).
    for (let i = 0; i < c; i++) {
      let acc = 0;
      for (let n = 1; n <= DELTA_WINDOW; n++) {
        const ahead = ((j + n) % DELTA_RING) * c;
        const behind = (Math.max(j - n, 0) % DELTA_RING) * c;
        acc += n * (this.#deltas[ahead + i]! - this.#deltas[behind + i]!);
      }
      out[2 * c + i] = acc / DELTA_DENOMINATOR;
    }
    this.#speechFrames++;
    sink(out);
  }

  /**
   * Regression deltas of frame t − DELTA_WINDOW from the frames around it in `src` (a ring of
   * `srcRing` frames; frames before 0 replicate frame 0), into its slot of `dst`.
   */
  #regression(
    src: Float64Array,
    srcRing: number,
    t: number,
    dst: Float64Array,
    dstRing: number,
  ): void {
    const c = this.#ceps;
    const j = t - DELTA_WINDOW;
    const o = (j % dstRing) * c;
    for (let i = 0; i < c; i++) {
      let acc = 0;
      for (let n = 1; n <= DELTA_WINDOW; n++) {
        const ahead = ((j + n) % srcRing) * c;
        const behind = (Math.max(j - n, 0) % srcRing) * c;
        acc += n * (src[ahead + i]! - src[behind + i]!);
      }
      dst[o + i] = acc / DELTA_DENOMINATOR;
    }
  }
}

/**
 * Every speech frame of `samples` (16 kHz mono) as a frames × dims matrix, as a stream would
 * see them: what training and evaluation use.
 *
 * ### Examples
 * ```ts
 * const { data, frames, dims } = speechFeatures(samples);
 * ```
 */
export function speechFeatures(
  samples: Float32Array,
  config: FrontEndConfig = DEFAULT_FRONT_END,
): { data: Float32Array; frames: number; dims: number } {
  const frontEnd = new SpoofingFrontEnd(config);
  const dims = frontEnd.dims;
  const rows: Float32Array[] = [];
  let frames = 0;
  const block = 256;
  let current = new Float32Array(block * dims);
  let inBlock = 0;
  frontEnd.push(samples, (x) => {
    current.set(x, inBlock * dims);
    inBlock++;
    frames++;
    if (inBlock === block) {
      rows.push(current);
      current = new Float32Array(block * dims);
      inBlock = 0;
    }
  });
  const data = new Float32Array(frames * dims);
  let at = 0;
  for (const r of rows) {
    data.set(r, at);
    at += r.length;
  }
  data.set(current.subarray(0, inBlock * dims), at);
  return { data, frames, dims };
}
