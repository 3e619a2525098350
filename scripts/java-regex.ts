/**
 * Java regular expressions (as Smithy patterns are evaluated by AWS, with java.util.regex)
 * translated to ECMAScript sources for the `u` flag, or refused where JS has no equivalent.
 * Used by generate-aws-models.ts to compile the models' pattern traits.
 */
// Smithy patterns are evaluated by AWS with java.util.regex. The u flag gives JS the same \p{..}
// classes, but rejects Java leniencies (escaped non-syntax characters, lone } and ]) and some
// constructs differ in meaning, so each is translated to its Java meaning or refused:
// - \s, \h, \v, \R and POSIX \p{Alpha}-style classes are ASCII/explicit sets in Java.
// - '.' excludes U+0085 in Java as well as \n \r U+2028 U+2029.
// - Possessive quantifiers, atomic groups, inline flags, nested classes and class intersections
//   have no JS equivalent: generation fails.
// '$' is kept as end of input. Java's '$' also matches before one final line terminator; accepting
// a trailing newline in ids and names is a quirk we deliberately do not reproduce.

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const ANY_BUT_LINE_TERMINATOR = '[^\\n\\r\\u0085\\u2028\\u2029]';
const SET_CONTENTS: Readonly<Record<string, string>> = {
  s: ' \\t\\n\\x0B\\f\\r',
  h: ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000',
  v: '\\n\\x0B\\f\\r\\x85\\u2028\\u2029',
};
const POSIX_CONTENTS: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-\\x60{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};
const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo LC M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Cn'.split(
    ' ',
  ),
);
const BINARY_PROPERTIES: Readonly<Record<string, string>> = {
  ascii: 'ASCII',
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  whitespace: 'White_Space',
  digit: 'Nd',
  hexdigit: 'Hex_Digit',
  joincontrol: 'Join_Control',
  noncharactercodepoint: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
  emoji: 'Emoji',
};

function unicodeProperty(name: string): string | undefined {
  const keyed = /^(general_category|gc|script|sc)=(\w+)$/i.exec(name);
  if (keyed !== null) {
    const value = keyed[2] as string;
    if (/^(script|sc)$/i.test(keyed[1] as string)) return `Script=${value}`;
    return GENERAL_CATEGORIES.has(value) ? value : undefined;
  }
  if (name.startsWith('In')) return undefined; // Unicode blocks: JS has no equivalent.
  const bare = name.startsWith('Is') ? name.slice(2) : name;
  if (GENERAL_CATEGORIES.has(bare)) return bare;
  const binary = BINARY_PROPERTIES[bare.toLowerCase().replace(/[_\s]/g, '')];
  if (binary !== undefined) return binary;
  return name.startsWith('Is') ? `Script=${bare}` : undefined;
}

function codePointEscape(cp: number): string {
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

function literalChar(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch) || (inClass && ch === '-')) return '\\' + ch;
  const cp = ch.codePointAt(0) as number;
  return cp > 0x20 && cp < 0x7f ? ch : codePointEscape(cp);
}

/** Translates a Java (java.util.regex) pattern to an ECMAScript source for `new RegExp(s, 'u')`. */
export function javaRegexToJs(source: string): string {
  let out = '';
  let i = 0;
  let inClass = false;
  let classStart = false;
  const fail = (why: string): never => {
    throw new Error(`unsupported Java regex construct (${why}) at offset ${i}`);
  };
  const set = (contents: string, negated: boolean): string => {
    if (inClass) return negated ? fail('negated class escape inside a class') : contents;
    return `[${negated ? '^' : ''}${contents}]`;
  };
  const escape = (): string => {
    const c = source[i + 1] ?? fail('trailing backslash');
    i += 2;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
        return '\\' + c;
      case 'b':
      case 'B':
        return inClass ? fail('\\b inside a class') : '\\' + c;
      case 's':
      case 'S':
      case 'h':
      case 'H':
      case 'v':
      case 'V':
        return set(SET_CONTENTS[c.toLowerCase()] as string, c !== c.toLowerCase());
      case 'p':
      case 'P': {
        let name: string;
        if (source[i] === '{') {
          const end = source.indexOf('}', i);
          if (end < 0) fail('unterminated \\p{');
          name = source.slice(i + 1, end);
          i = end + 1;
        } else {
          name = source[i] ?? fail('dangling \\p');
          i += 1;
        }
        const posix = POSIX_CONTENTS[name];
        if (posix !== undefined) return set(posix, c === 'P');
        const property = unicodeProperty(name) ?? fail(`property ${name}`);
        return `\\${c}{${property}}`;
      }
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'x': {
        if (source[i] === '{') {
          const end = source.indexOf('}', i);
          const hex = source.slice(i + 1, end);
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex)) fail('bad \\x{...}');
          i = end + 1;
          return codePointEscape(parseInt(hex, 16));
        }
        const hex = source.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail('bad \\x');
        i += 2;
        return '\\x' + hex;
      }
      case 'u': {
        const hex = source.slice(i, i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u');
        i += 4;
        return '\\u' + hex;
      }
      case 'c': {
        const letter = source[i] ?? fail('dangling \\c');
        if (!/[A-Za-z]/.test(letter)) fail('\\c with a non-letter');
        i += 1;
        return '\\c' + letter;
      }
      case '0': {
        const octal = /^(?:[0-3][0-7]{2}|[0-7]{1,2})/.exec(source.slice(i))?.[0] ?? fail('bad \\0');
        i += octal.length;
        return codePointEscape(parseInt(octal, 8));
      }
      case 'Q': {
        const end = source.indexOf('\\E', i);
        const quoted = source.slice(i, end < 0 ? undefined : end);
        i = end < 0 ? source.length : end + 2;
        return Array.from(quoted, (ch) => literalChar(ch, inClass)).join('');
      }
      case 'A':
        return inClass ? fail('\\A inside a class') : '^';
      case 'z':
        return inClass ? fail('\\z inside a class') : '$';
      case 'Z':
        return inClass
          ? fail('\\Z inside a class')
          : '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$)';
      case 'R':
        return inClass
          ? fail('\\R inside a class')
          : '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])';
      case 'k':
        return inClass ? fail('\\k inside a class') : '\\k';
      default:
        if (/[1-9]/.test(c)) return inClass ? fail('back-reference inside a class') : '\\' + c;
        if (/[A-Za-z0-9]/.test(c)) return fail(`escape \\${c}`);
        return literalChar(c, inClass);
    }
  };
  const noPossessive = (): void => {
    if (source[i] === '+') fail('possessive quantifier');
  };

  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\') {
      out += escape();
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === ']' && classStart) fail('class starting with ]');
      if (c === '[') fail('nested class');
      if (c === '&' && source[i + 1] === '&') fail('class intersection');
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      classStart = false;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        classStart = true;
        out += '[';
        i += 1;
        if (source[i] === '^') {
          out += '^';
          i += 1;
        }
        break;
      case '.':
        out += ANY_BUT_LINE_TERMINATOR;
        i += 1;
        break;
      case '(': {
        const group = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>))?/.exec(source.slice(i));
        const open = group?.[0] ?? '(';
        if (open === '(' && source[i + 1] === '?') fail('inline flags or atomic group');
        out += open;
        i += open.length;
        break;
      }
      case '{': {
        const quantifier = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i))?.[0] ?? fail('lone {');
        out += quantifier;
        i += quantifier.length;
        noPossessive();
        break;
      }
      case '*':
      case '+':
      case '?':
        out += c;
        i += 1;
        noPossessive();
        break;
      case '}':
      case ']':
        out += '\\' + c;
        i += 1;
        break;
      default:
        out += c;
        i += 1;
    }
  }
  if (inClass) fail('unterminated class');
  return out;
}
