/**
 * Many targets at one anchor: every keyed rule (`COHERE_API_KEY=…`, the generic rule, …)
 * shares the anchor of a key before `=` or `:`, so each assignment in code would run every
 * keyed rule's pattern in turn. One regex run at the anchor instead finds all of them that
 * match there: each pattern sits in a lookahead followed by an empty marker group, or-empty
 * (`(?:(?=p1)()|)(?:(?=p2)()|)…`), so the run tries every pattern once, in order, and the
 * markers that took part name the patterns that matched. Targets whose pattern did not
 * match cannot match (their `test` needs their pattern) and are skipped.
 *
 * The combined regex is built, and compiled, by the first scan that reaches the anchor: one
 * regex per anchor, the size of its patterns together.
 */
import type { MatchTarget } from "./match_target.ts";

/**
 * A pattern joins the combined regex only if it means the same there: sticky, no
 * backreference, no named group (group numbers and names shift).
 */
function joinable(pattern: RegExp | undefined): pattern is RegExp {
  return pattern !== undefined && pattern.flags === "y" &&
    !/\\(?:[1-9]|k<)|\(\?<[A-Za-z_$]/.test(pattern.source);
}

/**
 * The number of capture groups in a regex source: each `(` that is not escaped, not in a
 * class and not followed by `?` (non-capturing groups and lookarounds; named groups are not
 * joinable).
 */
export function groupCount(source: string): number {
  let groups = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") i++;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") inClass = true;
    else if (ch === "(" && source[i + 1] !== "?") groups++;
  }
  return groups;
}

const NONE: readonly string[] = [];

export class TargetFilter {
  readonly #targets: readonly MatchTarget[];
  /** For each target, the index of its marker group in the combined regex's match, or -1. */
  readonly #marker: readonly number[] | null;
  readonly #sources: readonly string[];
  /** Built on first use; null if it cannot be compiled (then every target is visited). */
  #combined: RegExp | null | undefined;

  constructor(targets: readonly MatchTarget[]) {
    this.#targets = targets;
    const sources: string[] = [];
    let groups = 0;
    const marker = targets.map(({ pattern }) => {
      if (!joinable(pattern) || targets.length < 2) return -1;
      sources.push(pattern.source);
      groups += groupCount(pattern.source) + 1;
      return groups;
    });
    this.#sources = sources.length > 0 ? sources : NONE;
    this.#marker = sources.length > 0 ? marker : null;
  }

  /** Calls `visit`, in order, for each target that may match at `start`. */
  forEach(text: string, start: number, visit: (target: MatchTarget) => void): void {
    const markers = this.#marker;
    if (markers === null) {
      for (const target of this.#targets) visit(target);
      return;
    }
    /** The combined regex's match at `start`, once run; null: visit every target. */
    let m: RegExpExecArray | null | undefined;
    for (let i = 0; i < this.#targets.length; i++) {
      const marker = markers[i];
      if (marker !== -1) {
        if (m === undefined) m = this.#match(text, start);
        if (m !== null && m[marker] === undefined) continue;
      }
      visit(this.#targets[i]);
    }
  }

  /** The combined regex's match at `start` (it always matches), or null without one. */
  #match(text: string, start: number): RegExpExecArray | null {
    if (this.#combined === undefined) {
      const source = this.#sources.map((source) => `(?:(?=${source})()|)`).join("");
      try {
        this.#combined = new RegExp(source, "y");
      } catch {
        this.#combined = null;
      }
    }
    const regex = this.#combined;
    if (regex === null) return null;
    regex.lastIndex = start;
    return regex.exec(text);
  }
}
