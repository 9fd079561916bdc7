/**
 * Static bounds of a regular expression's reach, for the small regex dialect the rules use
 * (literals, escapes, classes, groups, alternation, lookaround, `?` and `{n}` / `{n,m}`).
 * The window scanner needs to know how far past an anchor a rule can read and how far
 * before it a rule can look; an unbounded quantifier (`*`, `+`, `{n,}`) is an error.
 *
 * The engine measures every rule pattern, anchor context and prefilter source when it is
 * built, so the parser reads the source by character code and returns each node's bounds in
 * its own fields: it allocates no substrings, match arrays or node objects.
 */

export interface RegexReach {
  /** The most characters a match can consume. */
  length: number;
  /** The furthest a match attempt can read past its start (match plus lookahead). */
  ahead: number;
  /** The furthest a lookbehind can read before the match start. */
  behind: number;
}

export function regexReach(source: string): RegexReach {
  const parser = new Parser(source);
  parser.alternation();
  if (parser.pos !== source.length) parser.fail("unbalanced ')'");
  return { length: parser.length, ahead: parser.ahead, behind: parser.behind };
}

const BANG = 0x21;
const DOLLAR = 0x24;
const L_PAREN = 0x28;
const R_PAREN = 0x29;
const STAR = 0x2a;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const LT = 0x3c;
const EQ = 0x3d;
const GT = 0x3e;
const QUESTION = 0x3f;
const UPPER_B = 0x42;
const L_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const R_BRACKET = 0x5d;
const CARET = 0x5e;
const UNDERSCORE = 0x5f;
const LOWER_B = 0x62;
const LOWER_I = 0x69;
const LOWER_K = 0x6b;
const LOWER_M = 0x6d;
const LOWER_S = 0x73;
const LOWER_U = 0x75;
const LOWER_X = 0x78;
const L_BRACE = 0x7b;
const PIPE = 0x7c;
const R_BRACE = 0x7d;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === UNDERSCORE;
}

function isModifier(c: number): boolean {
  return c === LOWER_I || c === LOWER_M || c === LOWER_S;
}

/**
 * A recursive-descent parser. Each rule method leaves the bounds of what it parsed in
 * `length`, `ahead` and `behind` (callers copy them to locals before parsing further). It
 * reads characters with `charCodeAt` in place (NaN past the end, equal to no code) rather
 * than through small helpers: V8 would optimize a helper called this often with TurboFan,
 * a compile that costs an idle proxy more memory than the parse.
 */
class Parser {
  pos = 0;
  length = 0;
  ahead = 0;
  behind = 0;
  /** The upper bound of the quantifier #braces read. */
  #max = 0;
  /** The kind of group #head read: 0 plain (or capturing), 1 lookahead, 2 lookbehind. */
  #look = 0;
  constructor(readonly source: string) {}

  fail(message: string): never {
    throw new Error(`regex ${JSON.stringify(this.source)} at ${this.pos}: ${message}`);
  }

  alternation(): void {
    this.sequence();
    let length = this.length;
    let ahead = this.ahead;
    let behind = this.behind;
    while (this.source.charCodeAt(this.pos) === PIPE) {
      this.pos++;
      this.sequence();
      length = Math.max(length, this.length);
      ahead = Math.max(ahead, this.ahead);
      behind = Math.max(behind, this.behind);
    }
    this.length = length;
    this.ahead = ahead;
    this.behind = behind;
  }

  sequence(): void {
    const source = this.source;
    let length = 0;
    let ahead = 0;
    let behind = 0;
    while (this.pos < source.length) {
      const c = source.charCodeAt(this.pos);
      if (c === PIPE || c === R_PAREN) break;
      this.quantified();
      ahead = Math.max(ahead, length + this.ahead);
      behind = Math.max(behind, this.behind - length);
      length += this.length;
      ahead = Math.max(ahead, length);
    }
    this.length = length;
    this.ahead = ahead;
    this.behind = behind;
  }

  /**
   * The length of a `{n}`, `{n,}` or `{n,m}` quantifier at `pos` (0: none there); its
   * upper bound (m, or n) goes in `#max`, -1 for none.
   */
  #braces(): number {
    const source = this.source;
    let i = this.pos;
    if (source.charCodeAt(i) !== L_BRACE) return 0;
    const minStart = ++i;
    while (isDigit(source.charCodeAt(i))) i++;
    if (i === minStart) return 0;
    const minEnd = i;
    if (source.charCodeAt(i) === COMMA) {
      const maxStart = ++i;
      while (isDigit(source.charCodeAt(i))) i++;
      if (source.charCodeAt(i) !== R_BRACE) return 0;
      this.#max = i === maxStart ? -1 : Number(source.slice(maxStart, i));
    } else {
      if (source.charCodeAt(i) !== R_BRACE) return 0;
      this.#max = Number(source.slice(minStart, minEnd));
    }
    return i + 1 - this.pos;
  }

  quantified(): void {
    this.atom();
    const c = this.source.charCodeAt(this.pos);
    let max = 1;
    if (c === STAR || c === PLUS) this.fail("unbounded quantifier");
    if (c === QUESTION) {
      this.pos++;
    } else if (c === L_BRACE) {
      const size = this.#braces();
      if (size === 0) return;
      if (this.#max === -1) this.fail("unbounded quantifier");
      max = this.#max;
      this.pos += size;
    } else {
      return;
    }
    if (this.source.charCodeAt(this.pos) === QUESTION) this.pos++;
    const length = this.length;
    this.length = max === 0 ? 0 : length * max;
    this.ahead = max === 0 ? 0 : length * (max - 1) + this.ahead;
    this.behind = max === 0 ? 0 : this.behind;
  }

  atom(): void {
    const c = this.source.charCodeAt(this.pos);
    if (c === L_PAREN) return this.group();
    if (c === BACKSLASH) return this.escape();
    if (c === L_BRACKET) this.skipClass();
    else this.pos++;
    const anchor = c === CARET || c === DOLLAR;
    this.length = anchor ? 0 : 1;
    this.ahead = anchor ? 0 : 1;
    this.behind = 0;
  }

  escape(): void {
    const source = this.source;
    const next = source.charCodeAt(this.pos + 1);
    if (Number.isNaN(next)) this.fail("trailing backslash");
    if ((next >= ONE && next <= NINE) || next === LOWER_K) {
      this.fail("backreferences are not supported");
    }
    const p = this.pos + 2;
    const hex2 = isHex(source.charCodeAt(p)) && isHex(source.charCodeAt(p + 1));
    let size = 2;
    if (
      next === LOWER_U && hex2 && isHex(source.charCodeAt(p + 2)) && isHex(source.charCodeAt(p + 3))
    ) {
      size = 6;
    } else if (next === LOWER_X && hex2) {
      size = 4;
    }
    this.pos += size;
    const boundary = next === LOWER_B || next === UPPER_B;
    this.length = boundary ? 0 : 1;
    this.ahead = 1;
    this.behind = boundary ? 1 : 0;
  }

  /**
   * The length of the group head after the `(` at `at`: `?<=`, `?<!`, `?=`, `?!`, `?:`,
   * `?<name>`, `?ims-ims:`, or none (0); its kind goes in `#look`.
   */
  #head(at: number): number {
    const source = this.source;
    this.#look = 0;
    if (source.charCodeAt(at) !== QUESTION) return 0;
    const c = source.charCodeAt(at + 1);
    const d = source.charCodeAt(at + 2);
    if (c === LT && (d === EQ || d === BANG)) {
      this.#look = 2;
      return 3;
    }
    if (c === EQ || c === BANG) {
      this.#look = 1;
      return 2;
    }
    if (c === COLON) return 2;
    if (c === LT && isNameStart(d)) {
      let i = at + 3;
      while (isNameStart(source.charCodeAt(i)) || isDigit(source.charCodeAt(i))) i++;
      if (source.charCodeAt(i) === GT) return i + 1 - at;
    }
    let i = at + 1;
    while (isModifier(source.charCodeAt(i))) i++;
    if (source.charCodeAt(i) === MINUS) i++;
    while (isModifier(source.charCodeAt(i))) i++;
    return source.charCodeAt(i) === COLON ? i + 1 - at : 0;
  }

  group(): void {
    this.pos += 1 + this.#head(this.pos + 1);
    const look = this.#look;
    this.alternation();
    if (this.source.charCodeAt(this.pos) !== R_PAREN) this.fail("missing ')'");
    this.pos++;
    if (look === 2) {
      this.behind = this.length + this.behind;
      this.length = 0;
      this.ahead = 0;
    } else if (look === 1) {
      this.length = 0;
    }
  }

  skipClass(): void {
    const source = this.source;
    this.pos++;
    if (source.charCodeAt(this.pos) === CARET) this.pos++;
    if (source.charCodeAt(this.pos) === R_BRACKET) this.pos++;
    while (this.pos < source.length && source.charCodeAt(this.pos) !== R_BRACKET) {
      this.pos += source.charCodeAt(this.pos) === BACKSLASH ? 2 : 1;
    }
    if (this.pos >= source.length) this.fail("missing ']'");
    this.pos++;
  }
}
