/**
 * The scanning core. Every secret has an anchor: a literal (with optional regex context)
 * that must occur in it. Two prefilter regexes find anchors at native speed:
 *
 * - the pivot regex starts with one character class — for each anchor the rarest
 *   punctuation character it contains (its pivot, e.g. `_` in `ghp_`, `=` in `password=`)
 *   — and checks the rest of the anchor with lookbehind / lookahead, so text without those
 *   characters (base64, hex, prose) is skipped quickly;
 * - anchors made only of letters and digits (`AKIA`, `eyJ`, hex needles) go into a plain
 *   alternation of literals.
 *
 * Only at an anchor are the rule patterns and validators run.
 */
import { charWeight, pivotIndex } from "./pivots.ts";
import { regexReach } from "./regex_reach.ts";
import { escapeRegex, KEY_END, KEY_WORD_ENDING } from "./rules/rule.ts";

/** What the matcher checks at an anchor's start. */
export interface MatchTarget {
  /** Rule id for findings. */
  readonly id: string;
  /** Secret-free description for findings. */
  readonly title: string;
  /** The furthest `test` reads past `start`, and before it. */
  readonly ahead: number;
  readonly behind: number;
  test(text: string, start: number): boolean;
}

export interface AnchorSpec {
  literal: string;
  caseInsensitive: boolean;
  /** Regex sources the text must match just before / after the literal. */
  before: string;
  after: string;
  target: MatchTarget;
}

/**
 * A literal searched for with `indexOf` (long and alphanumeric: the bottle's secrets). The
 * target is tested `offset` characters before each occurrence of `needle`; targets sharing
 * a needle and offset share one search.
 */
export interface NeedleSpec {
  needle: string;
  offset: number;
  target: MatchTarget;
}

interface NeedleSearch {
  needle: string;
  offset: number;
  targets: MatchTarget[];
}

/** Where findings go; `seen` lets the matcher skip rules already reported. */
export interface Sink {
  seen(id: string): boolean;
  report(id: string, detail: string): void;
}

export interface Anchor {
  readonly literal: string;
  /** Index within the literal of the character the prefilter reports. */
  readonly pivot: number;
  readonly targets: readonly MatchTarget[];
  /** Sticky at the reported character: the anchor, with its context, is there. */
  readonly check: RegExp;
}

function literalSource(text: string, caseInsensitive: boolean): string {
  return [...text].map((ch) => {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    return caseInsensitive && lower !== upper ? `[${lower}${upper}]` : escapeRegex(ch);
  }).join("");
}

/** Candidate anchors by the character the prefilter reports (folded to lower case). */
class AnchorIndex {
  readonly #byChar = new Map<string, Anchor[]>();

  add(ch: string, anchor: Anchor): void {
    const key = ch.toLowerCase();
    this.#byChar.set(key, [...(this.#byChar.get(key) ?? []), anchor]);
  }

  get(ch: string): readonly Anchor[] {
    return this.#byChar.get(ch.toLowerCase()) ?? [];
  }
}

/**
 * What follows a pivot character in the pivot regex: some anchor's context matches.
 * Anchors are grouped by what they need after the pivot, with one lookbehind for each
 * group's "befores", so a hit costs a few lookarounds rather than one per anchor. Keys
 * before an assignment share their `KEY_END`, and as their lookbehind is the costly one,
 * it comes last: after the lookahead (a value follows) and a check of the key's last two
 * letters, which reject most `=` and `:` in code and JSON.
 */
function pivotFilter(pivot: string, contexts: [string, string][]): string {
  const beforesByAfter = new Map<string, Set<string>>();
  for (const [before, after] of contexts) {
    beforesByAfter.set(after, (beforesByAfter.get(after) ?? new Set()).add(before));
  }
  const either = (parts: Iterable<string>): string => `(?:${[...parts].join("|")})`;
  const branches: string[] = [];
  for (const [after, befores] of beforesByAfter) {
    const lookahead = after ? `(?=${after})` : "";
    if (befores.has("")) {
      if (!lookahead) return "";
      branches.push(lookahead);
      continue;
    }
    const keys: string[] = [];
    const others: string[] = [];
    for (const before of befores) {
      if (before.length > KEY_END.length && before.endsWith(KEY_END)) {
        keys.push(before.slice(0, -KEY_END.length));
      } else {
        others.push(before);
      }
    }
    if (keys.length > 0) others.push(`${either(keys)}${KEY_END}`);
    const lookbehind = `(?<=${either(others)}${pivot})`;
    if (keys.length === 0) branches.push(lookbehind + lookahead);
    else branches.push(`${lookahead}(?<=${KEY_WORD_ENDING}${KEY_END}${pivot})${lookbehind}`);
  }
  return either(branches);
}

/** A global regex whose matches start at a character `index` has anchors for. */
interface Prefilter {
  regex: RegExp;
  index: AnchorIndex;
}

/** One search per distinct (needle, offset). */
function groupNeedles(needles: NeedleSpec[]): NeedleSearch[] {
  const searches = new Map<string, NeedleSearch>();
  for (const { needle, offset, target } of needles) {
    const key = `${offset}:${needle}`;
    const search = searches.get(key) ?? { needle, offset, targets: [] };
    search.targets.push(target);
    searches.set(key, search);
  }
  return [...searches.values()];
}

/** Specs with the same literal and context share one anchor. */
function mergeSpecs(specs: AnchorSpec[]): { spec: AnchorSpec; targets: MatchTarget[] }[] {
  const merged = new Map<string, { spec: AnchorSpec; targets: MatchTarget[] }>();
  for (const spec of specs) {
    const key = JSON.stringify([spec.literal, spec.caseInsensitive, spec.before, spec.after]);
    const entry = merged.get(key);
    if (entry) entry.targets.push(spec.target);
    else merged.set(key, { spec, targets: [spec.target] });
  }
  return [...merged.values()];
}

interface CompiledAnchor {
  anchor: Anchor;
  /** The reported character, and whether it is a pivot (else the literal's first). */
  char: string;
  pivoted: boolean;
  /** Regex sources of the context before / after the reported character. */
  before: string;
  after: string;
  ahead: number;
  behind: number;
}

function compileAnchor(spec: AnchorSpec, targets: MatchTarget[]): CompiledAnchor {
  const ci = spec.caseInsensitive;
  const found = pivotIndex(spec.literal);
  const pivot = Math.max(found, 0);
  const char = spec.literal[pivot];
  const before = spec.before + literalSource(spec.literal.slice(0, pivot), ci);
  const after = literalSource(spec.literal.slice(pivot + 1), ci) + spec.after;
  const beforeReach = regexReach(before);
  let ahead = 1 + regexReach(after).ahead;
  let behind = beforeReach.length + beforeReach.behind;
  for (const t of targets) {
    ahead = Math.max(ahead, t.ahead - pivot);
    behind = Math.max(behind, t.behind + pivot);
  }
  const check = new RegExp(`(?<=${before})${literalSource(char, ci)}(?=${after})`, "y");
  return {
    anchor: { literal: spec.literal, pivot, targets, check },
    char,
    pivoted: found !== -1,
    before,
    after,
    ahead,
    behind,
  };
}

/** `[pivots]` then, per pivot character, the filter of its anchors. */
function pivotRegex(contexts: Map<string, [string, string][]>): RegExp {
  const pivots = [...contexts.keys()].sort((a, b) => charWeight(b) - charWeight(a));
  const set = pivots.map((ch) => (/[\\\]^-]/.test(ch) ? `\\${ch}` : ch)).join("");
  const dispatch = pivots.map((ch) => {
    const atom = escapeRegex(ch);
    return `(?<=${atom})${pivotFilter(atom, contexts.get(ch)!)}`;
  });
  return new RegExp(`[${set}](?:${dispatch.join("|")})`, "g");
}

/** An alternation of whole literals, each followed by checks of its context. */
function literalRegex(specs: AnchorSpec[]): RegExp {
  const alternatives = specs.map((spec) => {
    const whole = literalSource(spec.literal, spec.caseInsensitive);
    const before = spec.before ? `(?<=${spec.before}${whole})` : "";
    return `${whole}${before}${spec.after ? `(?=${spec.after})` : ""}`;
  });
  return new RegExp(alternatives.join("|"), "g");
}

export class Matcher {
  /** The furthest any anchor check or target reads past a reported character. */
  readonly ahead: number;
  /** The furthest any anchor check or target reads before a reported character. */
  readonly behind: number;
  readonly #prefilters: Prefilter[] = [];
  readonly #needles: NeedleSearch[];

  constructor(specs: AnchorSpec[], needles: NeedleSpec[] = []) {
    this.#needles = groupNeedles(needles);
    const compiled = mergeSpecs(specs).map(({ spec, targets }) => ({
      spec,
      ...compileAnchor(spec, targets),
    }));
    this.ahead = Math.max(
      0,
      ...compiled.map((c) => c.ahead),
      ...needles.map((n) => n.target.ahead - n.offset),
    );
    this.behind = Math.max(0, ...compiled.map((c) => c.behind), ...needles.map((n) => n.offset));
    const pivoted = compiled.filter((c) => c.pivoted);
    if (pivoted.length > 0) {
      const index = new AnchorIndex();
      const contexts = new Map<string, [string, string][]>();
      for (const c of pivoted) {
        index.add(c.char, c.anchor);
        contexts.set(c.char, [...(contexts.get(c.char) ?? []), [c.before, c.after]]);
      }
      this.#prefilters.push({ regex: pivotRegex(contexts), index });
    }
    const literal = compiled.filter((c) => !c.pivoted);
    if (literal.length > 0) {
      const index = new AnchorIndex();
      for (const c of literal) index.add(c.char, c.anchor);
      this.#prefilters.push({ regex: literalRegex(literal.map((c) => c.spec)), index });
    }
  }

  /** Calls `visit` for every anchor whose reported character lies in [from, to). */
  visitAnchors(
    text: string,
    from: number,
    to: number,
    visit: (anchor: Anchor, start: number) => void,
  ): void {
    for (const { regex, index } of this.#prefilters) {
      regex.lastIndex = from;
      for (let m = regex.exec(text); m !== null && m.index < to; m = regex.exec(text)) {
        const p = m.index;
        regex.lastIndex = p + 1;
        for (const anchor of index.get(text[p])) {
          anchor.check.lastIndex = p;
          if (anchor.check.test(text)) visit(anchor, p - anchor.pivot);
        }
      }
    }
  }

  /** Reports every target that matches at an anchor or needle reported in [from, to). */
  scan(text: string, from: number, to: number, sink: Sink, label = ""): void {
    const report = (target: MatchTarget): void => {
      sink.report(target.id, label ? `${target.title}, ${label}` : target.title);
    };
    this.visitAnchors(text, from, to, (anchor, start) => {
      for (const target of anchor.targets) {
        if (!sink.seen(target.id) && target.test(text, start)) report(target);
      }
    });
    this.visitNeedles(text, from, to, (target, start) => {
      if (!sink.seen(target.id) && target.test(text, start)) report(target);
    });
  }

  /** Calls `visit` for every needle occurrence reported in [from, to). */
  visitNeedles(
    text: string,
    from: number,
    to: number,
    visit: (target: MatchTarget, start: number) => void,
  ): void {
    for (const { needle, offset, targets } of this.#needles) {
      for (
        let i = text.indexOf(needle, from);
        i !== -1 && i < to;
        i = text.indexOf(needle, i + 1)
      ) {
        if (i < offset) continue;
        for (const target of targets) visit(target, i - offset);
      }
    }
  }
}
