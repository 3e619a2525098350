/**
 * Why the engine refused a request, as opposed to failing. Raised inside the worker, carried
 * over the protocol by kind, and turned into a catalogued error by the pool.
 */
export type AsrRefusalKind =
  /** A word has no dictionary entry and grapheme-to-phoneme produced nothing. */
  | 'NoPronunciation'
  /** No path through the words fits the audio (empty or too short audio for the text). */
  | 'Unalignable';

export class AsrRefusal extends Error {
  override readonly name = 'AsrRefusal';
  readonly kind: AsrRefusalKind;

  constructor(kind: AsrRefusalKind, message: string) {
    super(message);
    this.kind = kind;
  }
}
