/**
 * The voice spoofing detector: a bona fide GMM and a spoofed-speech GMM over LFCC + Δ + ΔΔ of
 * the speech frames; the evidence of an utterance (or of a call so far) is the mean per-frame
 * log-likelihood ratio, calibrated to Voice ID's 0–100 RiskScore.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readSpoofingModelFiles } from './model-files.js';
import { riskScore, type RiskCalibration } from './risk-calibration.js';
import { SpoofingFrontEnd, type FrontEndConfig } from './spoofing-front-end.js';
import { SpoofingModelUnreadable } from './spoofing-errors.js';
import { DiagonalGmm, type GmmParams } from './speaker-engine-parts.js';

/** models/spoofing of the installation. */
export const DEFAULT_SPOOFING_MODEL_DIR = fileURLToPath(
  new URL('../../../models/spoofing/', import.meta.url),
);

/** Seconds of audio per front-end frame (the hop). */
const FRAME_SECONDS = 0.01;

/** What a model file says about itself besides its arrays. */
export interface SpoofingModelMeta {
  readonly frontEnd: FrontEndConfig;
  readonly bonafideComponents: number;
  readonly spoofComponents: number;
  readonly dims: number;
  readonly calibration: RiskCalibration;
  /** How it was trained and what it measured on the calibration speakers (see the recipe). */
  readonly training: Readonly<Record<string, unknown>>;
}

/** The risk of the speech seen so far. */
export interface SpoofingResult {
  /**
   * 0–100 integer, 100 = certainly spoofed; ≥ 50 exactly when `llr` ≥ the calibrated point
   * that keeps 99 % of the genuine calibration callers of every channel below 50. 0 when there is no speech yet.
   */
  readonly riskScore: number;
  /** Mean per-frame log-likelihood ratio, spoofed over bona fide (0 without speech). */
  readonly llr: number;
  /** Speech the score rests on (streaming VAD), seconds. */
  readonly speechSeconds: number;
}

/**
 * The risk of one stream, updated as audio arrives. `push` takes 16 kHz mono samples in any
 * chunking (the same audio gives the same result, to the last bit, however it is cut);
 * `result` is O(1) and may be called at any time.
 *
 * ### Examples
 * ```ts
 * const risk = model.createAccumulator();
 * for (const chunk of call) risk.push(chunk); // e.g. 20 ms of 8 kHz µ-law upsampled to 16 kHz
 * const { riskScore, speechSeconds } = risk.result();
 * ```
 */
export interface SpoofingAccumulator {
  push(samples16k: Float32Array): void;
  result(): SpoofingResult;
}

/** The parts a model is built from (what the files hold, or what training just produced). */
export interface SpoofingModelParts {
  readonly version: string;
  readonly meta: SpoofingModelMeta;
  readonly bonafide: GmmParams;
  readonly spoof: GmmParams;
}

/**
 * A loaded spoofing model; immutable, shared by every stream of the process.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpoofingModel(); // models/spoofing
 * model.score(samples).riskScore; // 0–100
 * ```
 */
export class SpoofingModel {
  readonly version: string;
  readonly meta: SpoofingModelMeta;
  readonly #bonafide: DiagonalGmm;
  readonly #spoof: DiagonalGmm;

  constructor(parts: SpoofingModelParts) {
    const { meta } = parts;
    const dims = 3 * meta.frontEnd.lfcc.numCeps;
    if (meta.dims !== dims || parts.bonafide.dims !== dims || parts.spoof.dims !== dims)
      throw new RangeError(`feature dimensions disagree (front end ${dims}, model ${meta.dims})`);
    this.version = parts.version;
    this.meta = meta;
    this.#bonafide = new DiagonalGmm(parts.bonafide);
    this.#spoof = new DiagonalGmm(parts.spoof);
  }

  /** A fresh accumulator for one stream. */
  createAccumulator(): SpoofingAccumulator {
    return new StreamAccumulator(this, this.#bonafide, this.#spoof);
  }

  /** The risk of a whole utterance (16 kHz mono): one accumulator, one push. */
  score(samples16k: Float32Array): SpoofingResult {
    const acc = this.createAccumulator();
    acc.push(samples16k);
    return acc.result();
  }

  /** The 0–100 risk of a mean per-frame llr. */
  riskOf(llr: number): number {
    return riskScore(this.meta.calibration, llr);
  }
}

class StreamAccumulator implements SpoofingAccumulator {
  readonly #model: SpoofingModel;
  readonly #frontEnd: SpoofingFrontEnd;
  readonly #bonafide: DiagonalGmm;
  readonly #spoof: DiagonalGmm;
  readonly #scratch: Float64Array;
  readonly #sink: (x: Float64Array) => void;
  #sum = 0;

  constructor(model: SpoofingModel, bonafide: DiagonalGmm, spoof: DiagonalGmm) {
    this.#model = model;
    this.#frontEnd = new SpoofingFrontEnd(model.meta.frontEnd);
    this.#bonafide = bonafide;
    this.#spoof = spoof;
    this.#scratch = new Float64Array(Math.max(bonafide.components, spoof.components));
    this.#sink = (x) => {
      this.#sum +=
        this.#spoof.posteriors(x, 0, this.#scratch) -
        this.#bonafide.posteriors(x, 0, this.#scratch);
    };
  }

  push(samples16k: Float32Array): void {
    this.#frontEnd.push(samples16k, this.#sink);
  }

  result(): SpoofingResult {
    const n = this.#frontEnd.speechFrames;
    if (n === 0) return { riskScore: 0, llr: 0, speechSeconds: 0 };
    const llr = this.#sum / n;
    return { riskScore: this.#model.riskOf(llr), llr, speechSeconds: n * FRAME_SECONDS };
  }
}

/**
 * Loads the model of `dir` (models/spoofing by default). Throws `SpoofingModelUnreadable` for a
 * missing or malformed file and `SpoofingModelMismatch` for files of another format or a binary
 * that is not the one its JSON was written with.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpoofingModel('/srv/voxgate/models/spoofing');
 * model.version; // 'spoof-…'
 * ```
 */
export async function loadSpoofingModel(
  dir: string = DEFAULT_SPOOFING_MODEL_DIR,
): Promise<SpoofingModel> {
  const files = await readSpoofingModelFiles<SpoofingModelMeta>(dir);
  const { meta, version } = files.header;
  const gmm = (name: string, components: number): GmmParams => ({
    components,
    dims: meta.dims,
    weights: Float64Array.from(files.array(`${name}.weights`, components)),
    means: Float64Array.from(files.array(`${name}.means`, components * meta.dims)),
    variances: Float64Array.from(files.array(`${name}.variances`, components * meta.dims)),
  });
  try {
    return new SpoofingModel({
      version,
      meta,
      bonafide: gmm('bonafide', meta.bonafideComponents),
      spoof: gmm('spoof', meta.spoofComponents),
    });
  } catch (e) {
    if (e instanceof SpoofingModelUnreadable) throw e;
    throw new SpoofingModelUnreadable(path.resolve(dir), (e as Error).message);
  }
}
