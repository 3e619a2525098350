/**
 * The detector's own errors. The spoofing model is read at start-up and by the CLI, never on a
 * request path that answers a wire error, so these are plain typed errors; the owner of the
 * error catalog may give them catalog entries next to `SpeakerModelUnreadable`.
 */

/** The model directory is missing a file, or a file is not a spoofing model. */
export class SpoofingModelUnreadable extends Error {
  override readonly name = 'SpoofingModelUnreadable';
  readonly dir: string;
  readonly detail: string;

  constructor(dir: string, detail: string) {
    super(`The spoofing model in ${dir} cannot be loaded: ${detail}`);
    this.dir = dir;
    this.detail = detail;
  }
}

/**
 * The two model files do not belong together (the binary's hash is not the version the JSON
 * names), or the model is of another format version than this code reads.
 */
export class SpoofingModelMismatch extends Error {
  override readonly name = 'SpoofingModelMismatch';
  readonly dir: string;
  readonly expected: string;
  readonly actual: string;

  constructor(dir: string, what: string, expected: string, actual: string) {
    super(
      `The spoofing model in ${dir} does not match: ${what} is ${actual}, expected ${expected}`,
    );
    this.dir = dir;
    this.expected = expected;
    this.actual = actual;
  }
}
