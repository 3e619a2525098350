import type { SampleBuffer } from './sample-buffer.js';

/**
 * Filter design, as fractions of the lower of the two Nyquist frequencies. For 16 kHz output the
 * passband ends at 6.8 kHz and the stopband starts at 7.5 kHz: everything the speech front ends
 * look at (their mel filters stop near 6.9 kHz) passes, and nothing that would fold back below
 * 8 kHz survives.
 */
const PASS_EDGE = 0.85;
const STOP_EDGE = 0.9375;
/** Stopband attenuation of the Kaiser design, in dB. */
const ATTENUATION_DB = 60;
/**
 * Ratios whose reduced upsampling factor L is at most this get one exact filter phase per
 * output phase (48 kHz: L = 1, 44.1 kHz: L = 160). Odder rates share this many phases and
 * interpolate linearly between the two nearest, which stays far below the stopband error.
 */
const MAX_PHASES = 256;

/**
 * A streaming windowed-sinc (Kaiser) polyphase resampler for mono audio: push blocks of input
 * as they are decoded, then `finish`. Output sample n sits at input time n·from/to, so the
 * output has no delay and `ceil(inputLength · to / from)` samples.
 *
 * Memory stays at one filter's history plus the output: input blocks are consumed as they come.
 * @internal
 */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Input step per output sample is M/L input samples. */
  readonly #l: number;
  readonly #m: number;
  /** Taps per phase (even); output n uses inputs k−taps/2+1 … k+taps/2 with k = ⌊n·M/L⌋. */
  readonly #taps: number;
  readonly #phases: number;
  readonly #interpolate: boolean;
  /** (phases + 1) rows of `taps` coefficients; row `phases` is phase 0 one input sample later. */
  readonly #bank: Float32Array;

  /** Input history: `#history[i]` is input sample `#historyStart + i`. */
  #history: Float32Array;
  #historyStart: number;
  #historyLength: number;
  /** Next output: centre input index k and phase numerator r (position k + r/L). */
  #k = 0;
  #r = 0;
  #inputLength = 0;
  #outputLength = 0;

  constructor(fromRate: number, toRate: number) {
    if (!(Number.isInteger(fromRate) && fromRate > 0 && Number.isInteger(toRate) && toRate > 0))
      throw new RangeError(`resampler rates must be positive integers: ${fromRate} → ${toRate}`);
    this.fromRate = fromRate;
    this.toRate = toRate;
    const g = gcd(fromRate, toRate);
    this.#l = toRate / g;
    this.#m = fromRate / g;

    const nyquist = Math.min(fromRate, toRate) / 2;
    const passHz = PASS_EDGE * nyquist;
    const stopHz = STOP_EDGE * nyquist;
    // Kaiser's estimate: the filter spans (A − 7.95) / (14.36 · Δf) seconds whatever the rate.
    const halfWidth = ((ATTENUATION_DB - 7.95) / (14.36 * (stopHz - passHz)) / 2) * fromRate;
    this.#taps = 2 * Math.ceil(halfWidth);
    this.#interpolate = this.#l > MAX_PHASES;
    this.#phases = this.#interpolate ? MAX_PHASES : this.#l;
    this.#bank = designBank(
      this.#phases,
      this.#taps,
      halfWidth,
      (passHz + stopHz) / fromRate, // 2·fc / fromRate: the normalised cutoff
      kaiserBeta(ATTENUATION_DB),
    );

    const half = this.#taps / 2;
    this.#history = new Float32Array(Math.max(4096, 4 * this.#taps));
    // Samples before the start are silence: taps reaching back from output 0 read zeros.
    this.#historyStart = -(half - 1);
    this.#historyLength = half - 1;
  }

  /** Number of output samples for `inputLength` input samples. */
  outputLengthFor(inputLength: number): number {
    return Math.ceil((inputLength * this.#l) / this.#m);
  }

  /** Resamples `count` samples of `input`, appending every output they complete to `out`. */
  push(input: Float32Array, count: number, out: SampleBuffer): void {
    this.#append(input, count);
    this.#inputLength += count;
    this.#produce(out, Number.POSITIVE_INFINITY);
  }

  /** Completes the outputs near the end (the input is continued with silence). */
  finish(out: SampleBuffer): void {
    const half = this.#taps / 2;
    this.#append(new Float32Array(half + 1), half + 1);
    this.#produce(out, this.outputLengthFor(this.#inputLength));
  }

  #append(input: Float32Array, count: number): void {
    // Drop history that no future output reads, then grow if the block still does not fit.
    const firstNeeded = this.#k - this.#taps / 2 + 1;
    const drop = Math.min(this.#historyLength, Math.max(0, firstNeeded - this.#historyStart));
    if (drop > 0) {
      this.#history.copyWithin(0, drop, this.#historyLength);
      this.#historyStart += drop;
      this.#historyLength -= drop;
    }
    if (this.#historyLength + count > this.#history.length) {
      const grown = new Float32Array(
        Math.max(this.#historyLength + count, this.#history.length * 2),
      );
      grown.set(this.#history.subarray(0, this.#historyLength));
      this.#history = grown;
    }
    this.#history.set(input.subarray(0, count), this.#historyLength);
    this.#historyLength += count;
  }

  #produce(out: SampleBuffer, limit: number): void {
    const taps = this.#taps;
    const half = taps / 2;
    const end = this.#historyStart + this.#historyLength;
    const l = this.#l;
    const m = this.#m;
    // Output i from here sits at k + ⌊(r + i·M)/L⌋ and reads up to that + half, which must be
    // below `end`: i < ((end − half − k)·L − r) / M. No more than `limit` in total.
    const available = Math.max(0, Math.ceil(((end - half - this.#k) * l - this.#r) / m));
    const ready = Math.min(available, limit - this.#outputLength);
    if (ready <= 0) return;
    out.reserve(ready);
    const dst = out.data;
    let o = out.length;
    const history = this.#history;
    const bank = this.#bank;
    const phases = this.#phases;
    const interpolate = this.#interpolate;
    const base = half - 1 + this.#historyStart;
    let k = this.#k;
    let r = this.#r;
    for (let n = 0; n < ready; n++) {
      const start = k - base;
      if (interpolate) {
        const u = (r / l) * phases;
        const p = Math.floor(u);
        const a = u - p;
        const low = dot(bank, p * taps, history, start, taps);
        const high = dot(bank, (p + 1) * taps, history, start, taps);
        dst[o++] = low + a * (high - low);
      } else {
        dst[o++] = dot(bank, r * taps, history, start, taps);
      }
      r += m;
      if (r >= l) {
        k += Math.floor(r / l);
        r %= l;
      }
    }
    out.length = o;
    this.#k = k;
    this.#r = r;
    this.#outputLength += ready;
  }
}

function dot(
  bank: Float32Array,
  offset: number,
  x: Float32Array,
  start: number,
  taps: number,
): number {
  // Four partial sums: fewer dependent adds per iteration, measurably faster in V8.
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = 0;
  for (; i + 3 < taps; i += 4) {
    a0 += bank[offset + i]! * x[start + i]!;
    a1 += bank[offset + i + 1]! * x[start + i + 1]!;
    a2 += bank[offset + i + 2]! * x[start + i + 2]!;
    a3 += bank[offset + i + 3]! * x[start + i + 3]!;
  }
  for (; i < taps; i++) a0 += bank[offset + i]! * x[start + i]!;
  return a0 + a1 + a2 + a3;
}

/**
 * Row p of the bank holds the taps for fractional position p/phases: tap j (input index
 * k − taps/2 + 1 + j) is at distance d = p/phases + taps/2 − 1 − j input samples from the output.
 * Each row is normalised to unit DC gain so a constant stays constant whatever the phase.
 */
function designBank(
  phases: number,
  taps: number,
  halfWidth: number,
  cutoff: number,
  beta: number,
): Float32Array {
  const bank = new Float32Array((phases + 1) * taps);
  const i0Beta = besselI0(beta);
  for (let p = 0; p <= phases; p++) {
    let sum = 0;
    const row = p * taps;
    for (let j = 0; j < taps; j++) {
      const d = p / phases + taps / 2 - 1 - j;
      const x = d / halfWidth;
      if (x <= -1 || x >= 1) continue;
      const window = besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
      const t = Math.PI * cutoff * d;
      const sinc = t === 0 ? 1 : Math.sin(t) / t;
      const c = cutoff * sinc * window;
      bank[row + j] = c;
      sum += c;
    }
    for (let j = 0; j < taps; j++) bank[row + j] = bank[row + j]! / sum;
  }
  return bank;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21)
    return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
