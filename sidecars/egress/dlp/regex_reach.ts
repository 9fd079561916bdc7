/**
 * Static bounds of a regular expression's reach, for the small regex dialect the rules use
 * (literals, escapes, classes, groups, alternation, lookaround, `?` and `{n}` / `{n,m}`).
 * The window scanner needs to know how far past an anchor a rule can read and how far
 * before it a rule can look; an unbounded quantifier (`*`, `+`, `{n,}`) is an error.
 */

export interface RegexReach {
  /** The most characters a match can consume. */
  length: number;
  /** The furthest a match attempt can read past its start (match plus lookahead). */
  ahead: number;
  /** The furthest a lookbehind can read before the match start. */
  behind: number;
}

interface Node {
  length: number;
  ahead: number;
  behind: number;
}

export function regexReach(source: string): RegexReach {
  const parser = new Parser(source);
  const node = parser.alternation();
  if (parser.pos !== source.length) parser.fail("unbalanced ')'");
  return { length: node.length, ahead: node.ahead, behind: node.behind };
}

class Parser {
  pos = 0;
  constructor(readonly source: string) {}

  fail(message: string): never {
    throw new Error(`regex ${JSON.stringify(this.source)} at ${this.pos}: ${message}`);
  }

  alternation(): Node {
    const branches = [this.sequence()];
    while (this.source[this.pos] === "|") {
      this.pos++;
      branches.push(this.sequence());
    }
    return {
      length: Math.max(...branches.map((b) => b.length)),
      ahead: Math.max(...branches.map((b) => b.ahead)),
      behind: Math.max(...branches.map((b) => b.behind)),
    };
  }

  sequence(): Node {
    let length = 0;
    let ahead = 0;
    let behind = 0;
    while (this.pos < this.source.length && !"|)".includes(this.source[this.pos])) {
      const atom = this.quantified();
      ahead = Math.max(ahead, length + atom.ahead);
      behind = Math.max(behind, atom.behind - length);
      length += atom.length;
      ahead = Math.max(ahead, length);
    }
    return { length, ahead, behind };
  }

  quantified(): Node {
    const atom = this.atom();
    const rest = this.source.slice(this.pos);
    let max = 1;
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (rest[0] === "*" || rest[0] === "+") this.fail("unbounded quantifier");
    if (rest[0] === "?") {
      this.pos++;
    } else if (braces) {
      if (braces[2] !== undefined && braces[3] === "") this.fail("unbounded quantifier");
      max = Number(braces[3] ?? braces[1]);
      this.pos += braces[0].length;
    } else {
      return atom;
    }
    if (this.source[this.pos] === "?") this.pos++;
    if (max === 0) return { length: 0, ahead: 0, behind: 0 };
    return {
      length: atom.length * max,
      ahead: atom.length * (max - 1) + atom.ahead,
      behind: atom.behind,
    };
  }

  atom(): Node {
    const ch = this.source[this.pos];
    if (ch === "(") return this.group();
    if (ch === "[") {
      this.skipClass();
      return one();
    }
    if (ch === "\\") return this.escape();
    if (ch === "^" || ch === "$") {
      this.pos++;
      return { length: 0, ahead: 0, behind: 0 };
    }
    this.pos++;
    return one();
  }

  escape(): Node {
    const next = this.source[this.pos + 1];
    if (next === undefined) this.fail("trailing backslash");
    if (/[1-9k]/.test(next)) this.fail("backreferences are not supported");
    const code = /^\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/.exec(this.source.slice(this.pos))!;
    this.pos += code[0].length;
    return next === "b" || next === "B" ? { length: 0, ahead: 1, behind: 1 } : one();
  }

  group(): Node {
    const rest = this.source.slice(this.pos);
    const head = /^\((\?(?:<=|<!|=|!|:|<[A-Za-z_][A-Za-z0-9_]*>|[ims]*-?[ims]*:))?/.exec(rest)!;
    this.pos += head[0].length;
    const inner = this.alternation();
    if (this.source[this.pos] !== ")") this.fail("missing ')'");
    this.pos++;
    const kind = head[1] ?? "";
    if (kind === "?<=" || kind === "?<!") {
      return { length: 0, ahead: 0, behind: inner.length + inner.behind };
    }
    if (kind === "?=" || kind === "?!") {
      return { length: 0, ahead: inner.ahead, behind: inner.behind };
    }
    return inner;
  }

  skipClass(): void {
    this.pos++;
    if (this.source[this.pos] === "^") this.pos++;
    if (this.source[this.pos] === "]") this.pos++;
    while (this.pos < this.source.length && this.source[this.pos] !== "]") {
      this.pos += this.source[this.pos] === "\\" ? 2 : 1;
    }
    if (this.pos >= this.source.length) this.fail("missing ']'");
    this.pos++;
  }
}

function one(): Node {
  return { length: 1, ahead: 1, behind: 0 };
}
