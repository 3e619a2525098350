/**
 * Speech features in plain TypeScript over Float32Array (mono samples in [-1, 1], 16 or 8 kHz):
 * FFT, fbank/MFCC with deltas and CMVN, energy VAD, YIN pitch. Frames are 25 ms every 10 ms
 * unless configured otherwise, and the frames of every feature line up (frame t starts at
 * t × shift). Everything is synchronous and allocation-light: build one extractor/tracker per
 * configuration and reuse it for every request.
 *
 * ### Examples
 * ```ts
 * const samples = pcm16ToFloat32(pcm);
 * const feats = mfcc16k.features(samples, { deltaOrder: 2, cmvn: 'utterance' }); // frames × 60
 * const vad = detectSpeech(samples);
 * const { f0 } = pitchTracker.track(samples);
 * ```
 */

/**
 * Row-major frames × dims feature matrix (`data[t * dims + d]`), its constructor and row view.
 *
 * ### Examples
 * ```ts
 * const m: FeatureMatrix = createMatrix(98, 13);
 * matrixRow(m, 0).fill(1); // a view into m.data
 * ```
 */
export { createMatrix, matrixRow, type FeatureMatrix } from './feature-matrix.js';

/**
 * Framing shared by all features: defaults (25 ms / 10 ms / 16 kHz), the whole-frame count, the
 * analysis windows and 16-bit PCM conversion.
 *
 * ### Examples
 * ```ts
 * frameCount(16000, 400, 160); // 98
 * const hamming = createWindow('hamming', 400);
 * const samples = pcm16ToFloat32(pcm);
 * ```
 */
export {
  createWindow,
  DEFAULT_FRAME_LENGTH_MS,
  DEFAULT_FRAME_SHIFT_MS,
  DEFAULT_SAMPLE_RATE,
  frameCount,
  pcm16ToFloat32,
  type WindowType,
} from './framing.js';

/**
 * In-place radix-2 real FFT (packed layout: b[0] = X[0], b[1] = X[n/2], then re/im pairs),
 * its inverse, the power spectrum and the cached per-size plans.
 *
 * ### Examples
 * ```ts
 * const buf = Float64Array.from(frame); // length a power of two
 * realFft(buf);
 * const power = powerSpectrum(buf); // n/2 + 1 values
 * inverseRealFft(buf); // back to the frame (rounding aside)
 * getRealFft(512).forward(other512);
 * ```
 */
export {
  getRealFft,
  inverseRealFft,
  isPowerOfTwo,
  nextPowerOfTwo,
  powerSpectrum,
  RealFft,
  realFft,
  type FloatBuffer,
} from './fft.js';

/**
 * Fbank and MFCC extraction (pre-emphasis 0.97, Hamming, power spectrum, HTK mel filters, log,
 * orthonormal DCT-II, lifter 22; 20 cepstra including c0; 40 filters at 16 kHz, 24 at 8 kHz),
 * plus the mel scale and the filterbank itself.
 *
 * ### Examples
 * ```ts
 * const mfcc16k = new MfccExtractor({ sampleRate: 16000 });
 * const c = mfcc16k.mfcc(samples); // frames × 20
 * const fbank = mfcc16k.fbank(samples); // frames × 40
 * const feats = mfcc16k.features(samples, { cmvn: 'sliding', cmvnOptions: { window: 300 } });
 * const mfcc8k = new MfccExtractor({ sampleRate: 8000, numCeps: 13, useEnergy: true });
 * hzToMel(1000); // ≈ 1000
 * ```
 */
export {
  DEFAULT_CEP_LIFTER,
  DEFAULT_FEATURE_CMVN,
  DEFAULT_HIGH_FREQ,
  DEFAULT_LOW_FREQ,
  DEFAULT_NUM_CEPS,
  DEFAULT_NUM_FILTERS_16K,
  DEFAULT_NUM_FILTERS_8K,
  DEFAULT_PRE_EMPHASIS,
  DEFAULT_WINDOW,
  hzToMel,
  LOG_ENERGY_FLOOR,
  MelFilterbank,
  melToHz,
  MfccExtractor,
  type CmvnMode,
  type FeatureOptions,
  type MfccConfig,
  type MfccOptions,
} from './mfcc.js';

/**
 * Regression deltas (window 2 by default, edge frames replicated) and `[c | Δ | ΔΔ]` stacking.
 *
 * ### Examples
 * ```ts
 * const d = deltas(mfcc);
 * const full = addDeltas(mfcc, { order: 2, window: 2 }); // dims × 3
 * ```
 */
export {
  addDeltas,
  DEFAULT_DELTA_ORDER,
  DEFAULT_DELTA_WINDOW,
  deltas,
  type DeltaOptions,
} from './deltas.js';

/**
 * Cepstral mean/variance normalisation over the utterance or a sliding window (300 frames,
 * centred, by default).
 *
 * ### Examples
 * ```ts
 * const normalised = cmvn(mfcc); // mean 0, variance 1 per dimension
 * cmvn(mfcc, { normalizeVariance: false }, mfcc); // mean only, in place
 * const local = slidingCmvn(mfcc, { window: 300, center: true });
 * ```
 */
export {
  cmvn,
  CMVN_VARIANCE_FLOOR,
  DEFAULT_CMVN_CENTER,
  DEFAULT_CMVN_MIN_WINDOW,
  DEFAULT_CMVN_WINDOW,
  DEFAULT_NORMALIZE_VARIANCE,
  slidingCmvn,
  type CmvnOptions,
  type SlidingCmvnOptions,
} from './cmvn.js';

/**
 * Energy VAD (threshold = max(−55 dBFS, 10th-percentile frame energy + 12 dB), short gaps
 * bridged, short bursts dropped) and the timing measures built on it.
 *
 * ### Examples
 * ```ts
 * const vad = detectSpeech(samples, { sampleRate: 16000, minSilenceMs: 200 });
 * vad.segments; // [{ startSec, endSec }, …]
 * speechSeconds(vad); // net speech
 * initialSilenceSec(vad); // reaction time before speaking
 * pauses(vad, 300); // silences ≥ 300 ms between speech
 * ```
 */
export {
  DEFAULT_MIN_PAUSE_MS,
  DEFAULT_VAD_ABSOLUTE_FLOOR_DB,
  DEFAULT_VAD_MARGIN_DB,
  DEFAULT_VAD_MIN_SILENCE_MS,
  DEFAULT_VAD_MIN_SPEECH_MS,
  DEFAULT_VAD_NOISE_PERCENTILE,
  DEFAULT_VAD_PADDING_MS,
  detectSpeech,
  finalSilenceSec,
  frameEnergiesDb,
  initialSilenceSec,
  pauses,
  speechSeconds,
  VAD_ENERGY_FLOOR_DB,
  type EnergyVadOptions,
  type TimeSegment,
  type VadResult,
} from './energy-vad.js';

/**
 * YIN F0 per frame (60–500 Hz, threshold 0.15): Hz or 0 when unvoiced, and a voicing
 * probability.
 *
 * ### Examples
 * ```ts
 * const pitchTracker = new PitchTracker({ sampleRate: 16000 });
 * const { f0, voicingProbability } = pitchTracker.track(samples);
 * const voiced = f0.filter((hz) => hz > 0);
 * estimatePitch(samples8k, { sampleRate: 8000, maxF0: 400 }); // one-off
 * ```
 */
export {
  DEFAULT_MAX_F0,
  DEFAULT_MIN_F0,
  DEFAULT_PITCH_SILENCE_DB,
  DEFAULT_PITCH_WINDOW_MS,
  DEFAULT_YIN_THRESHOLD,
  estimatePitch,
  PitchTracker,
  type PitchOptions,
  type PitchTrack,
} from './pitch.js';
