/**
 * The deepest nesting of arrays and objects a JSON request body may have. The models' deepest
 * shape (a user's extension document) needs 5; 32 leaves room for any real document while
 * keeping every recursive walk over a parsed body (validation, case mapping, serialisation)
 * far from the stack's limit. Documented in docs/errors.md under SerializationException.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `text` nests arrays/objects deeper than `maxDepth`, scanning the raw text before it
 * is parsed (V8's JSON.parse itself does not overflow, but JSON.stringify of the result does).
 * Brackets inside strings do not count. Malformed JSON is left for JSON.parse to refuse.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
