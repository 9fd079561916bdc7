/**
 * Questions about whole sets of branch names, asked of the git gate's ref globs (see
 * ../gitgate/glob.ts, whose meaning this follows exactly: `*` and `?` stay within one
 * `/`-separated segment, `**` spans segments): does a requested glob share a name with a
 * protected one, and is every name it matches already allowed? Pure.
 *
 * Each glob is a small automaton over characters; the answers come from a breadth-first
 * walk of their product, which also yields the shortest example name. Characters a glob
 * never names behave alike, so one stand-in represents them all.
 */

type Step =
  | { kind: "char"; char: string }
  /** `?`: one character but `/`. */
  | { kind: "one" }
  /** `*`: any run within a segment. */
  | { kind: "segment" }
  /** `**` not at a segment boundary: anything. */
  | { kind: "any" }
  /**
   * `**` and `/` at a segment start: nothing, or anything ending in `/` (`required`: not
   * nothing; the gate's matcher reads a `**` and `/` followed by a final `**` that way).
   */
  | { kind: "dirs"; required: boolean }
  /** `/**` at the end: nothing, or `/` and anything. */
  | { kind: "below" };

/** The steps of a glob, as ../gitgate/glob.ts's globToRegExp reads it. */
function steps(glob: string): Step[] {
  const out: Step[] = [];
  let i = 0;
  while (i < glob.length) {
    if (glob.startsWith("**", i)) {
      const atStart = i === 0 || glob[i - 1] === "/";
      if (atStart && glob[i + 2] === "/") {
        out.push({ kind: "dirs", required: false });
        i += 3;
      } else if (atStart && i + 2 === glob.length && i > 0) {
        // The gate drops the last character it emitted: the `/`, or the `?` of a `dirs`.
        const last = out.pop();
        if (last?.kind === "dirs") out.push({ kind: "dirs", required: true });
        out.push({ kind: "below" });
        i += 2;
      } else {
        out.push({ kind: "any" });
        i += 2;
      }
    } else if (glob[i] === "*") {
      out.push({ kind: "segment" });
      i += 1;
    } else if (glob[i] === "?") {
      out.push({ kind: "one" });
      i += 1;
    } else {
      out.push({ kind: "char", char: glob[i] });
      i += 1;
    }
  }
  return out;
}

/**
 * A glob as a nondeterministic automaton: state `2p` is "before step p", `2p + 1` is
 * "inside step p" (a `dirs` or `below` step that has started consuming).
 */
class Glob {
  readonly steps: Step[];
  constructor(readonly text: string) {
    this.steps = steps(text);
  }

  chars(): string[] {
    return this.steps.flatMap((step) => step.kind === "char" ? [step.char] : []);
  }

  start(): Set<number> {
    return this.close([0]);
  }

  accepts(states: Set<number>): boolean {
    return states.has(2 * this.steps.length);
  }

  /** Adds every state reachable without consuming a character. */
  private close(seed: number[]): Set<number> {
    const out = new Set<number>();
    const todo = [...seed];
    while (todo.length > 0) {
      const state = todo.pop() as number;
      if (out.has(state)) continue;
      out.add(state);
      const at = state >> 1;
      const step = this.steps[at];
      if (step === undefined) continue;
      const inside = (state & 1) === 1;
      const skippable = step.kind === "segment" || step.kind === "any" ||
        step.kind === "below" || (step.kind === "dirs" && !step.required);
      if (!inside && skippable) todo.push(2 * (at + 1));
      if (inside && step.kind === "below") todo.push(2 * (at + 1));
    }
    return out;
  }

  next(states: Set<number>, char: string): Set<number> {
    const seed: number[] = [];
    for (const state of states) {
      const at = state >> 1;
      const step = this.steps[at];
      if (step === undefined) continue;
      const inside = (state & 1) === 1;
      const slash = char === "/";
      switch (step.kind) {
        case "char":
          if (char === step.char) seed.push(2 * (at + 1));
          break;
        case "one":
          if (!slash) seed.push(2 * (at + 1));
          break;
        case "segment":
          if (!slash) seed.push(2 * at);
          break;
        case "any":
          seed.push(2 * at);
          break;
        case "dirs":
          seed.push(2 * at + 1);
          if (slash) seed.push(2 * (at + 1));
          break;
        case "below":
          if (inside || slash) seed.push(2 * at + 1);
          break;
      }
    }
    return this.close(seed);
  }
}

/** A readable character none of the globs names, standing for every such character. */
function standIn(named: Set<string>): string {
  for (const char of "xyzqwabcdefghijklmnoprstuv0123456789") {
    if (!named.has(char)) return char;
  }
  return "\u00e9";
}

/**
 * Walks `first` against `others` (each as a set of states) and returns the shortest name
 * for which `wanted(acceptedByFirst, acceptedByAnyOther)` holds, or null.
 */
function search(
  first: Glob,
  others: Glob[],
  wanted: (inFirst: boolean, inOthers: boolean) => boolean,
): string | null {
  const named = new Set([first, ...others].flatMap((glob) => glob.chars()));
  const alphabet = [...named, "/", standIn(named)].filter((c, i, all) => all.indexOf(c) === i);
  type Node = { first: Set<number>; others: Set<number>[]; name: string };
  const key = (node: Node): string =>
    [node.first, ...node.others].map((set) => [...set].sort((a, b) => a - b).join(",")).join("|");
  const startNode: Node = {
    first: first.start(),
    others: others.map((glob) => glob.start()),
    name: "",
  };
  const seen = new Set([key(startNode)]);
  const queue: Node[] = [startNode];
  for (let at = 0; at < queue.length; at++) {
    const node = queue[at];
    const inOthers = others.some((glob, i) => glob.accepts(node.others[i]));
    if (wanted(first.accepts(node.first), inOthers)) return node.name;
    if (node.first.size === 0) continue;
    for (const char of alphabet) {
      const next: Node = {
        first: first.next(node.first, char),
        others: others.map((glob, i) => glob.next(node.others[i], char)),
        name: node.name + char,
      };
      const id = key(next);
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(next);
    }
  }
  return null;
}

/** A (shortest) name both `glob` and one of `others` match, or null when none exists. */
export function sharedName(glob: string, others: readonly string[]): string | null {
  if (others.length === 0) return null;
  return search(new Glob(glob), others.map((text) => new Glob(text)), (a, b) => a && b);
}

/** A (shortest) name `glob` matches that none of `others` does; null: all are covered. */
export function uncoveredName(glob: string, others: readonly string[]): string | null {
  return search(new Glob(glob), others.map((text) => new Glob(text)), (a, b) => a && !b);
}
