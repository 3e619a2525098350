/**
 * Linear-frequency cepstral coefficients (LFCC), one frame at a time: DC removal →
 * pre-emphasis → Hamming window → |FFT|² → triangular filters spaced evenly in Hz → log → DCT-II.
 *
 * Linear rather than mel spacing because the evidence of synthesis and replay sits as much in
 * the upper band (vocoder noise, loudspeaker roll-off) as in the lower one, where the mel scale
 * spends most of its filters (the ASVspoof LFCC baselines, Sahidullah et al. 2015).
 */
import {
  createWindow,
  getRealFft,
  powerSpectrum,
  type RealFft,
} from '../../audio/features/index.js';

/** The LFCC configuration a model was trained with (stored in the model file). */
export interface LfccConfig {
  readonly sampleRate: number;
  /** Analysis frame, samples. */
  readonly frameLength: number;
  /** Hop between frames, samples. */
  readonly frameShift: number;
  /** Power of two ≥ frameLength. */
  readonly fftSize: number;
  readonly numFilters: number;
  readonly lowHz: number;
  readonly highHz: number;
  /** First cepstrum kept: 1 drops c0 (the level), so the features do not depend on gain. */
  readonly firstCep: number;
  /** Cepstra kept: c[firstCep] … c[firstCep + numCeps − 1]. */
  readonly numCeps: number;
  readonly preEmphasis: number;
  /**
   * Filter energies are floored here before the log. Above the int16 quantisation noise of a
   * filter, so an empty band (8 kHz audio upsampled) looks the same whether it was upsampled in
   * float or stored as 16-bit PCM afterwards.
   */
  readonly energyFloor: number;
}

/** 20 ms / 10 ms frames at 16 kHz, 30 linear filters over 0–8 kHz, c1…c20. */
export const DEFAULT_LFCC: LfccConfig = Object.freeze({
  sampleRate: 16000,
  frameLength: 320,
  frameShift: 160,
  fftSize: 512,
  numFilters: 30,
  lowHz: 0,
  highHz: 8000,
  firstCep: 1,
  numCeps: 20,
  preEmphasis: 0.97,
  energyFloor: 1e-6,
});

/**
 * Triangular filters with centres evenly spaced in Hz between lowHz and highHz (peak weight 1),
 * on the FFT bins k·sampleRate/fftSize. Stored sparse, as the mel filterbank of src/audio.
 */
export class LinearFilterbank {
  readonly numFilters: number;
  readonly #first: Int32Array;
  readonly #offsets: Int32Array;
  readonly #weights: Float64Array;

  constructor(
    sampleRate: number,
    fftSize: number,
    numFilters: number,
    lowHz: number,
    highHz: number,
  ) {
    if (!(lowHz >= 0 && highHz > lowHz && highHz <= sampleRate / 2))
      throw new RangeError(
        `filter range must satisfy 0 ≤ low < high ≤ Nyquist, got ${lowHz}..${highHz}`,
      );
    const bins = fftSize / 2 + 1;
    const step = (highHz - lowHz) / (numFilters + 1);
    const binHz = sampleRate / fftSize;
    this.numFilters = numFilters;
    this.#first = new Int32Array(numFilters);
    this.#offsets = new Int32Array(numFilters + 1);
    const weights: number[] = [];
    for (let f = 0; f < numFilters; f++) {
      const left = lowHz + f * step;
      const centre = left + step;
      const right = centre + step;
      this.#offsets[f] = weights.length;
      let first = -1;
      for (let k = 0; k < bins; k++) {
        const hz = k * binHz;
        if (hz <= left || hz >= right) {
          if (first >= 0) break;
          continue;
        }
        if (first < 0) first = k;
        weights.push(hz <= centre ? (hz - left) / step : (right - hz) / step);
      }
      if (first < 0)
        throw new RangeError(`linear filter ${f} contains no FFT bin: use fewer filters`);
      this.#first[f] = first;
    }
    this.#offsets[numFilters] = weights.length;
    this.#weights = Float64Array.from(weights);
  }

  /** Filter outputs Σₖ w_f[k]·power[k] into `out` (numFilters values). */
  apply(power: ArrayLike<number>, out: Float64Array): void {
    const w = this.#weights;
    for (let f = 0; f < this.numFilters; f++) {
      let k = this.#first[f]!;
      let acc = 0;
      for (let i = this.#offsets[f]!, end = this.#offsets[f + 1]!; i < end; i++, k++)
        acc += w[i]! * power[k]!;
      out[f] = acc;
    }
  }
}

/**
 * LFCCs of single frames for one configuration; precomputes the window, filters and DCT and
 * reuses its scratch buffers (not re-entrant; everything is synchronous).
 *
 * ### Examples
 * ```ts
 * const lfcc = new LfccAnalyzer(DEFAULT_LFCC);
 * const ceps = new Float64Array(lfcc.config.numCeps);
 * const energyDb = lfcc.analyse(samples.subarray(0, 320), ceps);
 * ```
 */
export class LfccAnalyzer {
  readonly config: LfccConfig;
  readonly #fft: RealFft;
  readonly #window: Float64Array;
  readonly #filters: LinearFilterbank;
  readonly #dct: Float64Array;
  readonly #frame: Float64Array;
  readonly #power: Float64Array;
  readonly #energies: Float64Array;

  constructor(config: LfccConfig = DEFAULT_LFCC) {
    if (config.fftSize < config.frameLength) throw new RangeError('fftSize < frameLength');
    if (config.firstCep + config.numCeps > config.numFilters)
      throw new RangeError('more cepstra than filters');
    this.config = config;
    this.#fft = getRealFft(config.fftSize);
    this.#window = createWindow('hamming', config.frameLength);
    this.#filters = new LinearFilterbank(
      config.sampleRate,
      config.fftSize,
      config.numFilters,
      config.lowHz,
      config.highHz,
    );
    const m = config.numFilters;
    this.#dct = new Float64Array(config.numCeps * m);
    for (let i = 0; i < config.numCeps; i++) {
      const q = config.firstCep + i;
      const scale = Math.sqrt((q === 0 ? 1 : 2) / m);
      for (let j = 0; j < m; j++)
        this.#dct[i * m + j] = scale * Math.cos((Math.PI * q * (j + 0.5)) / m);
    }
    this.#frame = new Float64Array(config.fftSize);
    this.#power = new Float64Array(config.fftSize / 2 + 1);
    this.#energies = new Float64Array(m);
  }

  /**
   * The cepstra of the frame `samples[0 .. frameLength)` into `out` (numCeps values); returns
   * the frame's level in dB re full scale (RMS after DC removal; a full-scale sine is −3 dB).
   */
  analyse(samples: ArrayLike<number>, out: Float64Array): number {
    const { frameLength: n, preEmphasis, energyFloor, numFilters, numCeps } = this.config;
    const x = this.#frame;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += samples[i]!;
    mean /= n;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const v = samples[i]! - mean;
      x[i] = v;
      energy += v * v;
    }
    for (let i = n - 1; i > 0; i--) x[i] = x[i]! - preEmphasis * x[i - 1]!;
    x[0] = x[0]! * (1 - preEmphasis);
    const w = this.#window;
    for (let i = 0; i < n; i++) x[i] = x[i]! * w[i]!;
    x.fill(0, n);
    this.#fft.forward(x);
    powerSpectrum(x, this.#power);
    const e = this.#energies;
    this.#filters.apply(this.#power, e);
    for (let f = 0; f < numFilters; f++) e[f] = Math.log(e[f]! > energyFloor ? e[f]! : energyFloor);
    const dct = this.#dct;
    for (let i = 0; i < numCeps; i++) {
      let acc = 0;
      const base = i * numFilters;
      for (let j = 0; j < numFilters; j++) acc += dct[base + j]! * e[j]!;
      out[i] = acc;
    }
    const power = energy / n;
    return 10 * Math.log10(power > 1e-12 ? power : 1e-12);
  }
}
