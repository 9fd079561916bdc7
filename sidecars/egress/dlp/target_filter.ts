/**
 * Many targets at one anchor: every keyed rule (`COHERE_API_KEY=…`, the generic rule, …)
 * shares the anchor of a key before `=` or `:`, so each assignment in code would run every
 * keyed rule's pattern in turn. Their patterns joined into one alternation, each followed by
 * an empty marker group, find in one regex run the first of them that matches at the
 * anchor: the targets before it cannot match (their `test` needs their pattern) and are
 * skipped.
 */
import type { MatchTarget } from "./match_target.ts";

/** A pattern joins the alternation only if it means the same there: sticky, no backreference. */
function joinable(pattern: RegExp | undefined): pattern is RegExp {
  return pattern !== undefined && pattern.flags === "y" && !/\\(?:[1-9]|k<)/.test(pattern.source);
}

/** The number of capture groups in a regex source. */
function groupCount(source: string): number {
  return new RegExp(`${source}|`).exec("")!.length - 1;
}

export class TargetFilter {
  readonly #targets: readonly MatchTarget[];
  /** For each target, its position among the joined patterns, or -1. */
  readonly #slot: number[];
  readonly #sources: string[] = [];
  /** Capture groups (markers included) before each joined pattern's marker, from the first. */
  readonly #markers: number[] = [];
  /** By slot: the alternation of the joined patterns from that slot on, built when needed. */
  readonly #suffixes: (RegExp | null)[] = [];

  constructor(targets: readonly MatchTarget[]) {
    this.#targets = targets;
    let groups = 0;
    this.#slot = targets.map(({ pattern }) => {
      if (!joinable(pattern) || targets.length < 2) return -1;
      groups += groupCount(pattern.source) + 1;
      this.#markers.push(groups);
      this.#sources.push(pattern.source);
      return this.#sources.length - 1;
    });
  }

  /** Calls `visit`, in order, for each target that may match at `start`. */
  forEach(text: string, start: number, visit: (target: MatchTarget) => void): void {
    /** The slot of the next joined pattern matching at `start`, once searched for. */
    let hit = -1;
    for (let i = 0; i < this.#targets.length; i++) {
      const slot = this.#slot[i];
      if (slot > hit) hit = this.#firstMatch(text, start, slot);
      if (slot === -1 || slot === hit) visit(this.#targets[i]);
    }
  }

  /** The first slot from `from` on whose pattern matches at `start`, or Infinity. */
  #firstMatch(text: string, start: number, from: number): number {
    const regex = this.#suffix(from);
    if (regex === null) return from;
    regex.lastIndex = start;
    const m = regex.exec(text);
    if (m === null) return Infinity;
    const before = from === 0 ? 0 : this.#markers[from - 1];
    for (let slot = from; slot < this.#sources.length; slot++) {
      if (m[this.#markers[slot] - before] !== undefined) return slot;
    }
    return from;
  }

  #suffix(from: number): RegExp | null {
    if (this.#suffixes[from] === undefined) {
      const alternatives = this.#sources.slice(from).map((source) => `(?:${source})()`);
      try {
        this.#suffixes[from] = new RegExp(alternatives.join("|"), "y");
      } catch {
        this.#suffixes[from] = null;
      }
    }
    return this.#suffixes[from];
  }
}
