/**
 * Log mel filterbank energies (fbank) and MFCCs, HTK/Kaldi style:
 * DC removal → pre-emphasis → window → |FFT|² → triangular mel filters → log → DCT-II → lifter.
 *
 * {@link MfccExtractor} precomputes the window, the filterbank, the DCT matrix and the lifter once
 * per configuration and reuses its scratch buffers: the only allocation per call is the output
 * matrix (none when one is passed in). An extractor is not re-entrant, but everything here is
 * synchronous, so one instance per configuration serves a whole process.
 */
import {
  cmvnColumns,
  DEFAULT_NORMALIZE_VARIANCE,
  slidingCmvnColumns,
  type SlidingCmvnOptions,
} from './cmvn.js';
import { DEFAULT_DELTA_ORDER, DEFAULT_DELTA_WINDOW, regressionDeltasInto } from './deltas.js';
import { assertMatrix, createMatrix, type FeatureMatrix } from './feature-matrix.js';
import { getRealFft, isPowerOfTwo, nextPowerOfTwo, powerSpectrum, type RealFft } from './fft.js';
import {
  createWindow,
  DEFAULT_FRAME_LENGTH_MS,
  DEFAULT_FRAME_SHIFT_MS,
  DEFAULT_SAMPLE_RATE,
  frameCount,
  frameGeometry,
  type WindowType,
} from './framing.js';

/** Default pre-emphasis coefficient (x[i] − 0.97·x[i−1]); 0 disables. */
export const DEFAULT_PRE_EMPHASIS = 0.97;
/** Default analysis window. */
export const DEFAULT_WINDOW: WindowType = 'hamming';
/** Default number of mel filters at sample rates ≥ 16 kHz. */
export const DEFAULT_NUM_FILTERS_16K = 40;
/** Default number of mel filters below 16 kHz (8 kHz telephone audio). */
export const DEFAULT_NUM_FILTERS_8K = 24;
/** Default lower edge of the first mel filter, Hz. */
export const DEFAULT_LOW_FREQ = 20;
/** Default upper edge of the last mel filter: 0 = Nyquist (negative values are offsets from it). */
export const DEFAULT_HIGH_FREQ = 0;
/** Default number of cepstra (c0..c19). */
export const DEFAULT_NUM_CEPS = 20;
/** Default sinusoidal lifter parameter L (c_i × (1 + L/2·sin(πi/L))); 0 disables. */
export const DEFAULT_CEP_LIFTER = 22;
/** Energies are floored here before taking logs (float32 epsilon, as Kaldi). */
export const LOG_ENERGY_FLOOR = 1.1920928955078125e-7;

/** Options of {@link MfccExtractor}; every field has a documented default. */
export interface MfccOptions {
  /** Hz. Default {@link DEFAULT_SAMPLE_RATE} (16000). */
  readonly sampleRate?: number;
  /** Default {@link DEFAULT_FRAME_LENGTH_MS} (25). */
  readonly frameLengthMs?: number;
  /** Default {@link DEFAULT_FRAME_SHIFT_MS} (10). */
  readonly frameShiftMs?: number;
  /** Subtract each frame's mean before anything else. Default true. */
  readonly removeDcOffset?: boolean;
  /** Default {@link DEFAULT_PRE_EMPHASIS} (0.97). */
  readonly preEmphasis?: number;
  /** Default {@link DEFAULT_WINDOW} ('hamming'). */
  readonly window?: WindowType;
  /** Power of two ≥ the frame length. Default: the smallest such (512 at 16 kHz, 256 at 8 kHz). */
  readonly fftSize?: number;
  /** Default {@link DEFAULT_NUM_FILTERS_16K} (40) at ≥ 16 kHz, {@link DEFAULT_NUM_FILTERS_8K} (24) below. */
  readonly numFilters?: number;
  /** Hz. Default {@link DEFAULT_LOW_FREQ} (20). */
  readonly lowFreq?: number;
  /** Hz; 0 = Nyquist, negative = Nyquist + highFreq. Default {@link DEFAULT_HIGH_FREQ} (0). */
  readonly highFreq?: number;
  /** Filter the power spectrum (true) or the magnitude spectrum (false, HTK). Default true. */
  readonly usePower?: boolean;
  /** Default {@link DEFAULT_NUM_CEPS} (20); at most numFilters. */
  readonly numCeps?: number;
  /** Replace c0 by the log frame energy. Default false (c0 is kept). */
  readonly useEnergy?: boolean;
  /** With useEnergy: energy before pre-emphasis and windowing (true) or after. Default true. */
  readonly rawEnergy?: boolean;
  /** Default {@link DEFAULT_CEP_LIFTER} (22); 0 disables liftering. */
  readonly cepLifter?: number;
}

/** The resolved configuration of an extractor (all defaults filled in). */
export type MfccConfig = { readonly [K in keyof MfccOptions]-?: NonNullable<MfccOptions[K]> };

/** Cepstral normalisation applied by {@link MfccExtractor.features}. */
export type CmvnMode = 'none' | 'utterance' | 'sliding';

/** Default normalisation of {@link MfccExtractor.features}. */
export const DEFAULT_FEATURE_CMVN: CmvnMode = 'none';

/** Options of {@link MfccExtractor.features}. */
export interface FeatureOptions {
  /** 0, 1 (+Δ) or 2 (+Δ+ΔΔ). Default {@link DEFAULT_DELTA_ORDER} (2). */
  readonly deltaOrder?: 0 | 1 | 2;
  /** Regression half-window. Default {@link DEFAULT_DELTA_WINDOW} (2). */
  readonly deltaWindow?: number;
  /** Applied to the cepstra before the deltas. Default {@link DEFAULT_FEATURE_CMVN} ('none'). */
  readonly cmvn?: CmvnMode;
  /** CMVN details (normalizeVariance, and window/center/minWindow for 'sliding'). */
  readonly cmvnOptions?: SlidingCmvnOptions;
}

/**
 * HTK mel scale: 2595·log10(1 + hz/700).
 *
 * ### Examples
 * ```ts
 * hzToMel(1000); // ≈ 1000
 * ```
 */
export function hzToMel(hz: number): number {
  return 2595 * Math.log10(1 + hz / 700);
}

/**
 * Inverse of {@link hzToMel}: 700·(10^(mel/2595) − 1).
 *
 * ### Examples
 * ```ts
 * melToHz(hzToMel(440)); // 440
 * ```
 */
export function melToHz(mel: number): number {
  return 700 * (Math.pow(10, mel / 2595) - 1);
}

/**
 * Triangular filters equally spaced on the HTK mel scale between lowFreq and highFreq, with
 * peak weight 1, evaluated on the FFT bins k·sampleRate/fftSize (k = 0..fftSize/2). Stored
 * sparse: each filter's first bin and its contiguous weights.
 *
 * ### Examples
 * ```ts
 * const fb = new MelFilterbank(16000, 512, 40, 20, 8000);
 * fb.centersHz[0]; // ≈ 64 Hz
 * fb.apply(power, energies); // power: 257 values, energies: 40 values
 * ```
 */
export class MelFilterbank {
  readonly numFilters: number;
  /** Number of spectrum values the filterbank reads (fftSize/2 + 1). */
  readonly numBins: number;
  /** Lower edge, centre and upper edge of each filter, Hz. */
  readonly lowerHz: Float64Array;
  readonly centersHz: Float64Array;
  readonly upperHz: Float64Array;
  readonly #firstBin: Int32Array;
  /** Filter f's weights are weights[offsets[f] .. offsets[f+1]). */
  readonly #offsets: Int32Array;
  readonly #weights: Float64Array;

  constructor(
    sampleRate: number,
    fftSize: number,
    numFilters: number,
    lowFreq: number,
    highFreq: number,
  ) {
    const nyquist = sampleRate / 2;
    if (!Number.isInteger(numFilters) || numFilters < 1) {
      throw new RangeError(`numFilters must be a positive integer, got ${numFilters}`);
    }
    if (!(lowFreq >= 0 && highFreq > lowFreq && highFreq <= nyquist)) {
      throw new RangeError(
        `mel filter range must satisfy 0 ≤ low < high ≤ ${nyquist} Hz, got ${lowFreq}..${highFreq}`,
      );
    }
    this.numFilters = numFilters;
    this.numBins = fftSize / 2 + 1;
    this.lowerHz = new Float64Array(numFilters);
    this.centersHz = new Float64Array(numFilters);
    this.upperHz = new Float64Array(numFilters);
    this.#firstBin = new Int32Array(numFilters);
    this.#offsets = new Int32Array(numFilters + 1);
    const melLow = hzToMel(lowFreq);
    const melStep = (hzToMel(highFreq) - melLow) / (numFilters + 1);
    const binMel = new Float64Array(this.numBins);
    for (let k = 0; k < this.numBins; k++) binMel[k] = hzToMel((k * sampleRate) / fftSize);
    const weights: number[] = [];
    for (let f = 0; f < numFilters; f++) {
      const left = melLow + f * melStep;
      const center = left + melStep;
      const right = center + melStep;
      this.lowerHz[f] = melToHz(left);
      this.centersHz[f] = melToHz(center);
      this.upperHz[f] = melToHz(right);
      this.#offsets[f] = weights.length;
      let first = -1;
      for (let k = 0; k < this.numBins; k++) {
        const mel = binMel[k]!;
        if (mel <= left || mel >= right) {
          if (first >= 0) break;
          continue;
        }
        if (first < 0) first = k;
        weights.push(mel <= center ? (mel - left) / melStep : (right - mel) / melStep);
      }
      if (first < 0) {
        throw new RangeError(
          `mel filter ${f} (${this.lowerHz[f]!.toFixed(1)}–${this.upperHz[f]!.toFixed(1)} Hz) ` +
            `contains no FFT bin: use fewer filters, a larger fftSize or a higher lowFreq`,
        );
      }
      this.#firstBin[f] = first;
    }
    this.#offsets[numFilters] = weights.length;
    this.#weights = Float64Array.from(weights);
  }

  /** Filter outputs Σₖ w_f[k]·spectrum[k] into `out` (numFilters values). No allocation. */
  apply(spectrum: ArrayLike<number>, out: Float64Array): void {
    const weights = this.#weights;
    const offsets = this.#offsets;
    for (let f = 0; f < this.numFilters; f++) {
      const begin = offsets[f]!;
      const end = offsets[f + 1]!;
      let k = this.#firstBin[f]!;
      let acc = 0;
      for (let i = begin; i < end; i++, k++) acc += weights[i]! * spectrum[k]!;
      out[f] = acc;
    }
  }

  /** Weight of filter f at FFT bin k (0 outside the filter). */
  weight(f: number, k: number): number {
    const first = this.#firstBin[f];
    if (first === undefined || k < first) return 0;
    const i = this.#offsets[f]! + (k - first);
    return i < this.#offsets[f + 1]! ? this.#weights[i]! : 0;
  }
}

function resolveConfig(options: MfccOptions): MfccConfig {
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const frameLengthMs = options.frameLengthMs ?? DEFAULT_FRAME_LENGTH_MS;
  const frameShiftMs = options.frameShiftMs ?? DEFAULT_FRAME_SHIFT_MS;
  const { frameLength } = frameGeometry(sampleRate, frameLengthMs, frameShiftMs);
  const nyquist = sampleRate / 2;
  const highFreqOption = options.highFreq ?? DEFAULT_HIGH_FREQ;
  const numFilters =
    options.numFilters ?? (sampleRate >= 16000 ? DEFAULT_NUM_FILTERS_16K : DEFAULT_NUM_FILTERS_8K);
  const config: MfccConfig = {
    sampleRate,
    frameLengthMs,
    frameShiftMs,
    removeDcOffset: options.removeDcOffset ?? true,
    preEmphasis: options.preEmphasis ?? DEFAULT_PRE_EMPHASIS,
    window: options.window ?? DEFAULT_WINDOW,
    fftSize: options.fftSize ?? nextPowerOfTwo(frameLength),
    numFilters,
    lowFreq: options.lowFreq ?? DEFAULT_LOW_FREQ,
    highFreq: highFreqOption > 0 ? highFreqOption : nyquist + highFreqOption,
    usePower: options.usePower ?? true,
    numCeps: options.numCeps ?? DEFAULT_NUM_CEPS,
    useEnergy: options.useEnergy ?? false,
    rawEnergy: options.rawEnergy ?? true,
    cepLifter: options.cepLifter ?? DEFAULT_CEP_LIFTER,
  };
  if (!isPowerOfTwo(config.fftSize) || config.fftSize < frameLength) {
    throw new RangeError(
      `fftSize must be a power of two ≥ the frame length (${frameLength}), got ${config.fftSize}`,
    );
  }
  if (!(config.preEmphasis >= 0 && config.preEmphasis < 1)) {
    throw new RangeError(`preEmphasis must be in [0, 1), got ${config.preEmphasis}`);
  }
  if (!Number.isInteger(config.numCeps) || config.numCeps < 1 || config.numCeps > numFilters) {
    throw new RangeError(`numCeps must be an integer in 1..numFilters (${numFilters})`);
  }
  if (!(config.cepLifter >= 0)) {
    throw new RangeError(`cepLifter must be ≥ 0, got ${config.cepLifter}`);
  }
  return config;
}

/**
 * Orthonormal DCT-II rows 0..numCeps−1 over numFilters inputs:
 * c_i = s_i·Σ_j x_j·cos(πi(j + ½)/M), s_0 = √(1/M), s_i = √(2/M).
 */
function dctMatrix(numCeps: number, numFilters: number): Float64Array {
  const m = new Float64Array(numCeps * numFilters);
  for (let i = 0; i < numCeps; i++) {
    const scale = Math.sqrt((i === 0 ? 1 : 2) / numFilters);
    for (let j = 0; j < numFilters; j++) {
      m[i * numFilters + j] = scale * Math.cos((Math.PI * i * (j + 0.5)) / numFilters);
    }
  }
  return m;
}

/**
 * MFCC and log mel filterbank extraction for one configuration. Build once (per sample rate and
 * option set) and reuse for every request.
 *
 * ### Examples
 * ```ts
 * const extractor = new MfccExtractor({ sampleRate: 16000 }); // 40 filters, 20 cepstra
 * const mfcc = extractor.mfcc(samples); // frames × 20
 * const fbank = extractor.fbank(samples); // frames × 40 log mel energies
 * const feats = extractor.features(samples, { deltaOrder: 2, cmvn: 'utterance' }); // frames × 60
 * const tel = new MfccExtractor({ sampleRate: 8000, numCeps: 13 }); // 24 filters
 * ```
 */
export class MfccExtractor {
  readonly config: MfccConfig;
  /** Samples per frame. */
  readonly frameLength: number;
  /** Samples between frame starts. */
  readonly frameShift: number;
  readonly filterbank: MelFilterbank;
  readonly #fft: RealFft;
  readonly #window: Float64Array;
  readonly #dct: Float64Array;
  readonly #lifter: Float64Array;
  readonly #frame: Float64Array;
  readonly #spectrum: Float64Array;
  readonly #logMel: Float64Array;

  constructor(options: MfccOptions = {}) {
    const config = resolveConfig(options);
    this.config = Object.freeze(config);
    const geometry = frameGeometry(config.sampleRate, config.frameLengthMs, config.frameShiftMs);
    this.frameLength = geometry.frameLength;
    this.frameShift = geometry.frameShift;
    this.filterbank = new MelFilterbank(
      config.sampleRate,
      config.fftSize,
      config.numFilters,
      config.lowFreq,
      config.highFreq,
    );
    this.#fft = getRealFft(config.fftSize);
    this.#window = createWindow(config.window, this.frameLength);
    this.#dct = dctMatrix(config.numCeps, config.numFilters);
    this.#lifter = new Float64Array(config.numCeps);
    for (let i = 0; i < config.numCeps; i++) {
      const l = config.cepLifter;
      this.#lifter[i] = l > 0 ? 1 + (l / 2) * Math.sin((Math.PI * i) / l) : 1;
    }
    this.#frame = new Float64Array(config.fftSize);
    this.#spectrum = new Float64Array(config.fftSize / 2 + 1);
    this.#logMel = new Float64Array(config.numFilters);
  }

  /** Number of frames produced for `numSamples` samples (whole frames only). */
  numFrames(numSamples: number): number {
    return frameCount(numSamples, this.frameLength, this.frameShift);
  }

  /** Start time of frame t, seconds. */
  frameStartSec(t: number): number {
    return (t * this.frameShift) / this.config.sampleRate;
  }

  /**
   * Log mel filterbank energies, frames × numFilters (natural log, floored at
   * {@link LOG_ENERGY_FLOOR}). Written into `out` when given (shape must match).
   */
  fbank(samples: Float32Array, out?: FeatureMatrix): FeatureMatrix {
    const frames = this.numFrames(samples.length);
    const dims = this.config.numFilters;
    const result = this.#output(frames, dims, out);
    const logMel = this.#logMel;
    for (let t = 0; t < frames; t++) {
      this.#analyse(samples, t * this.frameShift);
      const row = t * dims;
      for (let f = 0; f < dims; f++) result.data[row + f] = logMel[f]!;
    }
    return result;
  }

  /** MFCCs, frames × numCeps. Written into `out` when given (shape must match). */
  mfcc(samples: Float32Array, out?: FeatureMatrix): FeatureMatrix {
    const frames = this.numFrames(samples.length);
    const result = this.#output(frames, this.config.numCeps, out);
    this.#mfccInto(samples, frames, result.data, this.config.numCeps);
    return result;
  }

  /**
   * The usual model input in one pass and one allocation: MFCCs, optional CMVN of the cepstra,
   * then `[c | Δ | ΔΔ]` (frames × numCeps·(deltaOrder + 1)).
   */
  features(samples: Float32Array, options: FeatureOptions = {}): FeatureMatrix {
    const order = options.deltaOrder ?? DEFAULT_DELTA_ORDER;
    const window = options.deltaWindow ?? DEFAULT_DELTA_WINDOW;
    const mode = options.cmvn ?? DEFAULT_FEATURE_CMVN;
    if (order !== 0 && order !== 1 && order !== 2) {
      throw new RangeError(`deltaOrder must be 0, 1 or 2, got ${String(order)}`);
    }
    const ceps = this.config.numCeps;
    const frames = this.numFrames(samples.length);
    const stride = ceps * (order + 1);
    const result = createMatrix(frames, stride);
    const statics = { data: result.data, stride, col: 0 };
    const normalizeVariance = options.cmvnOptions?.normalizeVariance;
    if (mode === 'sliding') {
      const raw = new Float32Array(frames * ceps);
      this.#mfccInto(samples, frames, raw, ceps);
      slidingCmvnColumns(
        { data: raw, stride: ceps, col: 0 },
        statics,
        frames,
        ceps,
        options.cmvnOptions,
      );
    } else {
      this.#mfccInto(samples, frames, result.data, stride);
      if (mode === 'utterance') {
        cmvnColumns(
          statics,
          statics,
          frames,
          ceps,
          normalizeVariance ?? DEFAULT_NORMALIZE_VARIANCE,
        );
      } else if (mode !== 'none') {
        throw new RangeError(`unknown cmvn mode: ${String(mode)}`);
      }
    }
    for (let k = 1; k <= order; k++) {
      regressionDeltasInto(
        { data: result.data, stride, col: (k - 1) * ceps },
        { data: result.data, stride, col: k * ceps },
        frames,
        ceps,
        window,
      );
    }
    return result;
  }

  #output(frames: number, dims: number, out: FeatureMatrix | undefined): FeatureMatrix {
    if (out === undefined) return createMatrix(frames, dims);
    assertMatrix(out);
    if (out.frames !== frames || out.dims !== dims) {
      throw new RangeError(`output is ${out.frames}×${out.dims}, expected ${frames}×${dims}`);
    }
    return out;
  }

  /** Cepstra of every frame into rows of `data` (`stride` values per row, columns 0..numCeps). */
  #mfccInto(samples: Float32Array, frames: number, data: Float32Array, stride: number): void {
    const { numCeps, numFilters, useEnergy } = this.config;
    const dct = this.#dct;
    const lifter = this.#lifter;
    const logMel = this.#logMel;
    for (let t = 0; t < frames; t++) {
      const logEnergy = this.#analyse(samples, t * this.frameShift);
      const row = t * stride;
      for (let i = 0; i < numCeps; i++) {
        let acc = 0;
        const base = i * numFilters;
        for (let j = 0; j < numFilters; j++) acc += dct[base + j]! * logMel[j]!;
        data[row + i] = acc * lifter[i]!;
      }
      if (useEnergy) data[row] = logEnergy;
    }
  }

  /**
   * One frame starting at sample `start`: fills #logMel, returns the log energy (only computed
   * with useEnergy; 0 otherwise).
   */
  #analyse(samples: Float32Array, start: number): number {
    const { removeDcOffset, preEmphasis, useEnergy, rawEnergy, usePower } = this.config;
    const n = this.frameLength;
    const x = this.#frame;
    const w = this.#window;
    for (let i = 0; i < n; i++) x[i] = samples[start + i]!;
    if (removeDcOffset) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i]!;
      mean /= n;
      for (let i = 0; i < n; i++) x[i] = x[i]! - mean;
    }
    let energy = 0;
    if (useEnergy && rawEnergy) for (let i = 0; i < n; i++) energy += x[i]! * x[i]!;
    if (preEmphasis > 0) {
      for (let i = n - 1; i > 0; i--) x[i] = x[i]! - preEmphasis * x[i - 1]!;
      x[0] = x[0]! * (1 - preEmphasis);
    }
    for (let i = 0; i < n; i++) x[i] = x[i]! * w[i]!;
    x.fill(0, n);
    if (useEnergy && !rawEnergy) for (let i = 0; i < n; i++) energy += x[i]! * x[i]!;
    this.#fft.forward(x);
    const spectrum = this.#spectrum;
    powerSpectrum(x, spectrum);
    if (!usePower) for (let k = 0; k < spectrum.length; k++) spectrum[k] = Math.sqrt(spectrum[k]!);
    const logMel = this.#logMel;
    this.filterbank.apply(spectrum, logMel);
    for (let f = 0; f < logMel.length; f++) {
      const e = logMel[f]!;
      logMel[f] = Math.log(e > LOG_ENERGY_FLOOR ? e : LOG_ENERGY_FLOOR);
    }
    return useEnergy ? Math.log(energy > LOG_ENERGY_FLOOR ? energy : LOG_ENERGY_FLOOR) : 0;
  }
}
