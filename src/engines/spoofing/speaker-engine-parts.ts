/**
 * What the spoofing detector borrows from the speaker engine, in one place: the diagonal GMM
 * and its EM training, the seeded random source, WAV bytes and the telephone (G.711 µ-law)
 * channel of its training augmentation, and the detection measures. The speaker engine owns
 * these; importing them here (rather than copying) keeps one implementation of each, and this
 * file is the only one that knows where they live.
 */
export { DiagonalGmm, type GmmParams } from '../speaker/diagonal-gmm.js';
export {
  emIteration,
  singleGaussian,
  splitComponents,
  type FramePool,
} from '../speaker/training/gmm-training.js';
export { SeededRandom } from '../speaker/training/seeded-random.js';
export { pcm16Wav, telephoneVersion } from '../speaker/training/augmentation.js';
export { equalErrorRate, operatingPoints } from '../speaker/detection-metrics.js';
export {
  ageGroup,
  CHILD_AGE_LIMIT,
  splitSpeakers as splitSpeakersByGroup,
} from '../speaker/training/speaker-split.js';
