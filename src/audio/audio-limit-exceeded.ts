import type { AudioLimits } from './audio-limits.js';

/**
 * Audio over one of the configured {@link AudioLimits}. Deliberately not a catalogued error:
 * which wire error "too big" becomes is the caller's decision (sync scoring answers
 * `AudioTooBigForSync`, a job may answer something else), so the audio module reports the fact
 * and callers map it.
 */
export class AudioLimitExceeded extends Error {
  /** Which limit was crossed. */
  readonly limit: keyof AudioLimits;
  /** What was measured (bytes, seconds or samples) when the limit was crossed. */
  readonly value: number;
  /** The configured maximum. */
  readonly maximum: number;

  constructor(limit: keyof AudioLimits, value: number, maximum: number) {
    super(`audio exceeds ${limit}: ${value} > ${maximum}`);
    this.name = 'AudioLimitExceeded';
    this.limit = limit;
    this.value = value;
    this.maximum = maximum;
  }
}
