/**
 * In-place radix-2 FFT of real signals, packed output, with one cached plan (bit-reversal swaps
 * and twiddles) per size.
 *
 * A real signal of length n (a power of two) is transformed as a complex signal of length n/2
 * (even samples as real parts, odd samples as imaginary parts) followed by a split step, so one
 * transform costs about half a complex FFT of the same length.
 *
 * Packed layout of a transformed buffer `b` of length n (X is the full DFT, X[k] = Σ x[j]·e^(-2πijk/n)):
 * - `b[0]` = X[0] (real), `b[1]` = X[n/2] (real),
 * - `b[2k]` = Re X[k], `b[2k+1]` = Im X[k] for 1 ≤ k < n/2.
 * The remaining bins are the conjugates: X[n-k] = conj(X[k]).
 */

/** A buffer the transforms work on in place. Float64Array keeps the rounding error near 1e-15. */
export type FloatBuffer = Float32Array | Float64Array;

/** True when `n` is a positive power of two. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** The smallest power of two ≥ `n` (1 for n ≤ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * A real FFT plan for one power-of-two size n ≥ 2. Plans are immutable and shared: get one with
 * {@link getRealFft}, which caches them per size.
 *
 * ### Examples
 * ```ts
 * const plan = getRealFft(512);
 * const buf = new Float64Array(512); // fill with samples
 * plan.forward(buf); // buf now holds the packed spectrum
 * plan.inverse(buf); // and the samples again
 * ```
 */
export class RealFft {
  readonly size: number;
  readonly #half: number;
  /** Twiddles W^k = e^(-2πik/n) for 0 ≤ k < n/2: real parts and imaginary parts. */
  readonly #wr: Float64Array;
  readonly #wi: Float64Array;
  /** Index pairs (i, j), i < j, to swap for the bit-reversal permutation of the n/2 complex values. */
  readonly #swaps: Uint32Array;

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 2) {
      throw new RangeError(`FFT size must be a power of two ≥ 2, got ${size}`);
    }
    this.size = size;
    const half = size >> 1;
    this.#half = half;
    this.#wr = new Float64Array(half);
    this.#wi = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const angle = (-2 * Math.PI * k) / size;
      this.#wr[k] = Math.cos(angle);
      this.#wi[k] = Math.sin(angle);
    }
    const bits = Math.log2(half);
    const swaps: number[] = [];
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      if (i < r) swaps.push(i, r);
    }
    this.#swaps = Uint32Array.from(swaps);
  }

  /** Transforms `buffer` (n real samples) in place into the packed spectrum described above. */
  forward(buffer: FloatBuffer): void {
    this.#check(buffer);
    this.#complexForward(buffer);
    const b = buffer;
    const m = this.#half;
    const wr = this.#wr;
    const wi = this.#wi;
    const z0r = b[0]!;
    const z0i = b[1]!;
    b[0] = z0r + z0i;
    b[1] = z0r - z0i;
    // Split step: with Z the FFT of z[j] = x[2j] + i·x[2j+1],
    // E[k] = (Z[k] + conj Z[m-k]) / 2, O[k] = (Z[k] - conj Z[m-k]) / 2i,
    // X[k] = E[k] + W^k·O[k] and X[m-k] = conj(E[k] - W^k·O[k]).
    const last = m >> 1;
    for (let k = 1; k <= last; k++) {
      const i = 2 * k;
      const j = 2 * (m - k);
      const ar = b[i]!;
      const ai = b[i + 1]!;
      const br = b[j]!;
      const bi = b[j + 1]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const cr = wr[k]!;
      const ci = wi[k]!;
      const tr = cr * or - ci * oi;
      const ti = cr * oi + ci * or;
      b[i] = er + tr;
      b[i + 1] = ei + ti;
      b[j] = er - tr;
      b[j + 1] = ti - ei;
    }
  }

  /** Inverse of {@link forward}: packed spectrum in, n real samples out (scaled by 1/n). */
  inverse(buffer: FloatBuffer): void {
    this.#check(buffer);
    const b = buffer;
    const m = this.#half;
    const wr = this.#wr;
    const wi = this.#wi;
    const x0 = b[0]!;
    const xm = b[1]!;
    b[0] = 0.5 * (x0 + xm);
    b[1] = 0.5 * (x0 - xm);
    // Undo the split step: E[k] = (X[k] + conj X[m-k]) / 2, O[k] = (X[k] - conj X[m-k]) / 2 · conj W^k,
    // Z[k] = E[k] + i·O[k], Z[m-k] = conj E[k] + i·conj O[k].
    const last = m >> 1;
    for (let k = 1; k <= last; k++) {
      const i = 2 * k;
      const j = 2 * (m - k);
      const ar = b[i]!;
      const ai = b[i + 1]!;
      const br = b[j]!;
      const bi = b[j + 1]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai + bi);
      const cr = wr[k]!;
      const ci = wi[k]!;
      const or = dr * cr + di * ci;
      const oi = di * cr - dr * ci;
      b[i] = er - oi;
      b[i + 1] = ei + or;
      b[j] = er + oi;
      b[j + 1] = or - ei;
    }
    // Inverse complex FFT of size m through the forward one: conj(FFT(conj Z)) / m.
    for (let k = 1; k < b.length; k += 2) b[k] = -b[k]!;
    this.#complexForward(b);
    const scale = 1 / m;
    for (let k = 0; k < b.length; k += 2) {
      b[k] = b[k]! * scale;
      b[k + 1] = -b[k + 1]! * scale;
    }
  }

  /** In-place iterative radix-2 decimation-in-time FFT of the n/2 interleaved complex values. */
  #complexForward(b: FloatBuffer): void {
    const swaps = this.#swaps;
    for (let s = 0; s < swaps.length; s += 2) {
      const i = 2 * swaps[s]!;
      const j = 2 * swaps[s + 1]!;
      let t = b[i]!;
      b[i] = b[j]!;
      b[j] = t;
      t = b[i + 1]!;
      b[i + 1] = b[j + 1]!;
      b[j + 1] = t;
    }
    const m = this.#half;
    const n = this.size;
    const wr = this.#wr;
    const wi = this.#wi;
    for (let len = 2; len <= m; len *= 2) {
      const halfLen = len >> 1;
      const stride = n / len; // twiddle e^(-2πij/len) = W^(j·n/len)
      for (let j = 0; j < halfLen; j++) {
        const cr = wr[j * stride]!;
        const ci = wi[j * stride]!;
        for (let start = j; start < m; start += len) {
          const p = 2 * start;
          const q = 2 * (start + halfLen);
          const qr = b[q]!;
          const qi = b[q + 1]!;
          const tr = qr * cr - qi * ci;
          const ti = qr * ci + qi * cr;
          const pr = b[p]!;
          const pi = b[p + 1]!;
          b[q] = pr - tr;
          b[q + 1] = pi - ti;
          b[p] = pr + tr;
          b[p + 1] = pi + ti;
        }
      }
    }
  }

  #check(buffer: FloatBuffer): void {
    if (buffer.length !== this.size) {
      throw new RangeError(`FFT plan of size ${this.size} got a buffer of length ${buffer.length}`);
    }
  }
}

const plans = new Map<number, RealFft>();

/**
 * The cached {@link RealFft} plan for `size` (a power of two ≥ 2); built on first use.
 *
 * ### Examples
 * ```ts
 * getRealFft(512) === getRealFft(512); // true
 * ```
 */
export function getRealFft(size: number): RealFft {
  let plan = plans.get(size);
  if (plan === undefined) {
    plan = new RealFft(size);
    plans.set(size, plan);
  }
  return plan;
}

/**
 * Forward real FFT of `buffer` in place (length a power of two ≥ 2), packed layout.
 *
 * ### Examples
 * ```ts
 * const buf = Float64Array.from([1, 0, 0, 0]);
 * realFft(buf); // [1, 1, 1, 0]: X[0] = 1, X[2] = 1, X[1] = 1 + 0i
 * ```
 */
export function realFft(buffer: FloatBuffer): void {
  getRealFft(buffer.length).forward(buffer);
}

/**
 * Inverse of {@link realFft}, in place, including the 1/n scaling.
 *
 * ### Examples
 * ```ts
 * realFft(buf);
 * inverseRealFft(buf); // the original samples (to rounding)
 * ```
 */
export function inverseRealFft(buffer: FloatBuffer): void {
  getRealFft(buffer.length).inverse(buffer);
}

/**
 * |X[k]|² for k = 0..n/2 from a packed spectrum of length n, into `out` (length n/2 + 1; allocated
 * when omitted).
 *
 * ### Examples
 * ```ts
 * realFft(frame);
 * const power = powerSpectrum(frame); // frame.length / 2 + 1 values
 * ```
 */
export function powerSpectrum(packed: FloatBuffer, out?: FloatBuffer): FloatBuffer {
  const n = packed.length;
  const half = n >> 1;
  const result = out ?? new Float64Array(half + 1);
  if (result.length < half + 1) {
    throw new RangeError(`power spectrum needs ${half + 1} values, got ${result.length}`);
  }
  const dc = packed[0]!;
  const nyquist = packed[1]!;
  result[0] = dc * dc;
  result[half] = nyquist * nyquist;
  for (let k = 1; k < half; k++) {
    const re = packed[2 * k]!;
    const im = packed[2 * k + 1]!;
    result[k] = re * re + im * im;
  }
  return result;
}
