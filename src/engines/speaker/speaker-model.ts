/**
 * The speaker verification engine: a trained i-vector model (UBM, total variability matrix,
 * LDA/WCCN backend, cohort) fused with long-term cepstral statistics, behind enroll / score /
 * search.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalog, voxError } from '../../errors/index.js';
import { accumulateStats, addStats, type UtteranceStats } from './baum-welch.js';
import { DiagonalGmm, type GmmParams } from './diagonal-gmm.js';
import { embed, type BackendParams } from './embedding-backend.js';
import { IvectorExtractor } from './ivector-extractor.js';
import { readModelFiles } from './model-file.js';
import { ltcsVector, poolCepstralSums, type CepstralSums } from './long-term-cepstrum.js';
import {
  cohortStats,
  fusedLogOdds,
  normalizeScore,
  scoreFromLogOdds,
  type CohortStats,
  type Fusion,
} from './score-calibration.js';
import {
  SpeakerFeatureExtractor,
  type ExtractOptions,
  type SpeakerFeatureConfig,
} from './speaker-features.js';
import { Voiceprint } from './voiceprint.js';
import type { VoiceprintIndex } from './voiceprint-index.js';
import { SpeakerAccumulator, type AccumulatorOptions } from './speaker-accumulator.js';

/** The models/speaker directory of this checkout or package. */
export const DEFAULT_SPEAKER_MODEL_DIR = fileURLToPath(
  new URL('../../../models/speaker/', import.meta.url),
);

/** A calibrated score and the false-accept rate it had on the held-out speakers. */
export interface ThresholdPoint {
  /** 0–100. */
  readonly score: number;
  readonly falseAcceptRate: number;
  readonly falseRejectRate: number;
}

/** Everything but the arrays: how the model was built and how it is calibrated. */
export interface SpeakerModelMeta {
  readonly features: SpeakerFeatureConfig;
  readonly components: number;
  readonly featureDims: number;
  readonly ivectorDim: number;
  readonly embeddingDim: number;
  readonly cohortSize: number;
  /** Components kept per frame by Gaussian selection (0 = exact posteriors). */
  readonly gaussianSelection: number;
  /** AS-norm uses the top-N cohort scores of each side. */
  readonly cohortTopN: number;
  /**
   * Fusion of the i-vector and LTCS scores and calibration to log-odds, fitted on the
   * calibration speakers (duration-aware when it has `duration` terms).
   */
  readonly fusion: Fusion;
  /** The recommended accept threshold (0–100) and its error rates on the dev speakers. */
  readonly threshold: ThresholdPoint;
  /** Other thresholds measured on the dev speakers, by false-accept rate. */
  readonly operatingPoints: readonly ThresholdPoint[];
  /** How the model was trained and what it measured (free-form, for people). */
  readonly training: Readonly<Record<string, unknown>>;
}

/** The in-memory parts of a model. */
export interface SpeakerModelParts {
  readonly version: string;
  readonly meta: SpeakerModelMeta;
  readonly ubm: GmmParams;
  /** T̃ (C·D × R). */
  readonly totalVariability: Float64Array;
  readonly backend: BackendParams;
  /** K × E cohort embeddings. */
  readonly cohort: Float32Array;
}

/** What the model keeps of an utterance before the i-vector: sums that pool by adding. */
export interface UtteranceStatistics {
  readonly stats: UtteranceStats;
  readonly cepstral: CepstralSums;
  readonly netSpeechSeconds: number;
}

/** One utterance as the model sees it, computed once and compared with many voiceprints. */
export interface UtteranceEmbedding {
  /** Unit i-vector embedding. */
  readonly embedding: Float32Array;
  readonly cohort: CohortStats;
  /** Unit long-term cepstral statistics vector. */
  readonly ltcs: Float32Array;
  readonly netSpeechSeconds: number;
}

/** The two subsystem scores of a trial, before fusion. */
export interface ScoreComponents {
  /** AS-normalised cosine of the i-vector embeddings. */
  readonly ivector: number;
  /** Cosine of the long-term cepstral statistics. */
  readonly ltcs: number;
}

/** A verification result. */
export interface SpeakerScore {
  /** Calibrated 0–100: compare with {@link SpeakerModelMeta.threshold}. */
  readonly score0to100: number;
  /** The fused log-odds behind score0to100 (unbounded; higher is more alike). */
  readonly rawScore: number;
  /**
   * Net speech in the scored utterance, seconds. The score of audio without speech means
   * nothing (silence matches silence): callers require a minimum here, as Voice ID does
   * before it evaluates a session.
   */
  readonly netSpeechSeconds: number;
}

/** One search hit. */
export interface SearchHit extends SpeakerScore {
  /** Position of the voiceprint in the list or index searched. */
  readonly index: number;
}

/** What enrollment made. */
export interface Enrollment {
  readonly voiceprint: Voiceprint;
  /** Net speech over all enrollment utterances, seconds. */
  readonly netSpeechSeconds: number;
}

/**
 * A loaded speaker model. Synchronous and not re-entrant (one feature extractor with scratch
 * buffers); use one instance per thread.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpeakerModel();
 * const { voiceprint } = model.enroll([a, b, c]); // 16 kHz mono Float32Arrays
 * const { score0to100 } = model.score(voiceprint, d);
 * const accepted = score0to100 >= model.meta.threshold.score;
 * ```
 */
export class SpeakerModel {
  readonly version: string;
  readonly meta: SpeakerModelMeta;
  readonly #features: SpeakerFeatureExtractor;
  readonly #ubm: DiagonalGmm;
  readonly #extractor: IvectorExtractor;
  readonly #backend: BackendParams;
  readonly #cohort: Float32Array;

  constructor(parts: SpeakerModelParts) {
    this.version = parts.version;
    this.meta = parts.meta;
    this.#features = new SpeakerFeatureExtractor(parts.meta.features);
    this.#ubm = new DiagonalGmm(parts.ubm, parts.meta.features.numCeps);
    this.#extractor = new IvectorExtractor(
      parts.ubm.components,
      parts.ubm.dims,
      parts.meta.ivectorDim,
      parts.totalVariability,
    );
    this.#backend = parts.backend;
    this.#cohort = parts.cohort;
  }

  /** Baum–Welch statistics, long-term cepstral sums and net speech of one utterance (16 kHz mono). */
  statistics(audio: Float32Array, options: ExtractOptions = {}): UtteranceStatistics {
    const { features, netSpeechSeconds, cepstral } = this.#features.extract(audio, options);
    return {
      stats: accumulateStats(this.#ubm, features, this.meta.gaussianSelection),
      cepstral,
      netSpeechSeconds,
    };
  }

  /**
   * A streaming accumulator of this model's statistics: push audio in any chunks (a call's
   * 20 ms frames or a whole file), read the running net speech, snapshot the pooled statistics.
   * Calls and batch files that go through it see the same front end.
   */
  createAccumulator(options?: AccumulatorOptions): SpeakerAccumulator {
    return new SpeakerAccumulator(this, options);
  }

  /** The embedding of (pooled) statistics with its cohort statistics. */
  embedStatistics(statistics: UtteranceStatistics): UtteranceEmbedding {
    const embedding = embed(this.#backend, this.#extractor.extract(statistics.stats));
    return {
      embedding,
      cohort: cohortStats(this.#cohort, this.meta.embeddingDim, embedding, this.meta.cohortTopN),
      ltcs: ltcsVector(statistics.cepstral),
      netSpeechSeconds: statistics.netSpeechSeconds,
    };
  }

  /** One utterance's embedding, to compare with many voiceprints. */
  embed(audio: Float32Array): UtteranceEmbedding {
    return this.embedStatistics(this.statistics(audio));
  }

  /**
   * A voiceprint from one or more utterances: their statistics are pooled before the i-vector
   * is extracted, so longer enrollment gives a more certain voiceprint.
   */
  enroll(audios: readonly Float32Array[]): Enrollment {
    if (audios.length === 0) throw new RangeError('enroll needs at least one utterance');
    return this.enrollStatistics(audios.map((a) => this.statistics(a)));
  }

  /** {@link enroll} from statistics already computed (evaluation reuses them). */
  enrollStatistics(utterances: readonly UtteranceStatistics[]): Enrollment {
    if (utterances.length === 0) throw new RangeError('enroll needs at least one utterance');
    const net = utterances.reduce((s, u) => s + u.netSpeechSeconds, 0);
    const e = this.embedStatistics({
      stats: addStats(utterances.map((u) => u.stats)),
      cepstral: poolCepstralSums(utterances.map((u) => u.cepstral)),
      netSpeechSeconds: net,
    });
    return {
      voiceprint: new Voiceprint(
        this.version,
        e.embedding,
        e.cohort,
        e.ltcs,
        net,
        utterances.length,
      ),
      netSpeechSeconds: net,
    };
  }

  /** Verifies `audio` against `voiceprint`. Throws `SpeakerModelMismatch` for another model's. */
  score(voiceprint: Voiceprint, audio: Float32Array): SpeakerScore {
    this.checkVersion(voiceprint);
    return this.compare(voiceprint, this.embed(audio));
  }

  /** Scores an utterance embedding against a voiceprint (what `score` does after embedding). */
  compare(voiceprint: Voiceprint, utterance: UtteranceEmbedding): SpeakerScore {
    const c = this.components(voiceprint, utterance);
    const seconds = Math.min(voiceprint.netSpeechSeconds, utterance.netSpeechSeconds);
    const logOdds = fusedLogOdds(this.meta.fusion, c.ivector, c.ltcs, seconds);
    return {
      score0to100: scoreFromLogOdds(logOdds),
      rawScore: logOdds,
      netSpeechSeconds: utterance.netSpeechSeconds,
    };
  }

  /**
   * Scores two voiceprints against each other (is a new fraudster one already known, are two
   * enrolled speakers the same person). Symmetric: compareVoiceprints(a, b) equals
   * compareVoiceprints(b, a). `netSpeechSeconds` is the smaller of the two.
   */
  compareVoiceprints(a: Voiceprint, b: Voiceprint): SpeakerScore {
    this.checkVersion(a);
    this.checkVersion(b);
    const c = this.components(a, b);
    const seconds = Math.min(a.netSpeechSeconds, b.netSpeechSeconds);
    const logOdds = fusedLogOdds(this.meta.fusion, c.ivector, c.ltcs, seconds);
    return {
      score0to100: scoreFromLogOdds(logOdds),
      rawScore: logOdds,
      netSpeechSeconds: seconds,
    };
  }

  /** The two subsystem scores of a trial (what the fusion weighs). */
  components(voiceprint: Voiceprint, utterance: UtteranceEmbedding): ScoreComponents {
    this.checkVersion(voiceprint);
    const a = voiceprint.embedding;
    const b = utterance.embedding;
    let raw = 0;
    for (let i = 0; i < a.length; i++) raw += a[i]! * b[i]!;
    let ltcs = 0;
    for (let i = 0; i < voiceprint.ltcs.length; i++)
      ltcs += voiceprint.ltcs[i]! * utterance.ltcs[i]!;
    return { ivector: normalizeScore(raw, voiceprint.cohort, utterance.cohort), ltcs };
  }

  /**
   * The `k` best-matching voiceprints for `audio`, best first. Pass a prebuilt
   * {@link VoiceprintIndex} for large watchlists (it checks every voiceprint's version once,
   * when it is built).
   */
  search(
    audio: Float32Array | UtteranceEmbedding,
    voiceprints: readonly Voiceprint[] | VoiceprintIndex,
    k = 10,
  ): SearchHit[] {
    const utterance = audio instanceof Float32Array ? this.embed(audio) : audio;
    if (!Array.isArray(voiceprints)) {
      const index = voiceprints as VoiceprintIndex;
      if (index.modelVersion !== this.version)
        throw voxError(catalog.SpeakerModelMismatch, {
          voiceprintModel: index.modelVersion,
          serverModel: this.version,
        });
      return index.search(utterance, this.meta.fusion, k).map((hit) => ({
        index: hit.index,
        score0to100: scoreFromLogOdds(hit.logOdds),
        rawScore: hit.logOdds,
        netSpeechSeconds: utterance.netSpeechSeconds,
      }));
    }
    const list = voiceprints as readonly Voiceprint[];
    const hits = list.map((v, index) => ({ index, score: this.compare(v, utterance) }));
    hits.sort((x, y) => y.score.rawScore - x.score.rawScore);
    return hits.slice(0, k).map((h) => ({ index: h.index, ...h.score }));
  }

  /** Throws `SpeakerModelMismatch` unless `voiceprint` was made by this model. */
  checkVersion(voiceprint: Voiceprint): void {
    if (voiceprint.modelVersion !== this.version)
      throw voxError(catalog.SpeakerModelMismatch, {
        voiceprintModel: voiceprint.modelVersion,
        serverModel: this.version,
      });
  }
}

/**
 * Loads the model files of `dir` (models/speaker by default). Throws `SpeakerModelUnreadable`
 * when they are missing or inconsistent.
 *
 * ### Examples
 * ```ts
 * const model = await loadSpeakerModel();
 * model.version; // 'ivec-…'
 * ```
 */
export async function loadSpeakerModel(
  dir: string = DEFAULT_SPEAKER_MODEL_DIR,
): Promise<SpeakerModel> {
  const files = await readModelFiles<SpeakerModelMeta>(dir);
  const { meta, version } = files.header;
  const c = meta.components;
  const d = meta.featureDims;
  const f64 = (name: string) => Float64Array.from(files.array(name));
  const parts: SpeakerModelParts = {
    version,
    meta,
    ubm: {
      components: c,
      dims: d,
      weights: f64('ubm.weights'),
      means: f64('ubm.means'),
      variances: f64('ubm.variances'),
    },
    totalVariability: f64('tv.matrix'),
    backend: {
      ivectorDim: meta.ivectorDim,
      embeddingDim: meta.embeddingDim,
      mean: f64('backend.mean'),
      projection: f64('backend.projection'),
    },
    cohort: files.array('cohort'),
  };
  try {
    return new SpeakerModel(parts);
  } catch (e) {
    throw voxError(catalog.SpeakerModelUnreadable, {
      dir: path.resolve(dir),
      detail: (e as Error).message,
    });
  }
}
