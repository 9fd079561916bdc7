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
import { escapeRegex, KEY_END } from "./rules/rule.ts";

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

/** A literal searched for with `indexOf` (long, alphanumeric: the bottle's secrets). */
export interface NeedleSpec {
  needle: string;
  target: MatchTarget;
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
 * their lookahead (a value follows) goes first: it rejects most `=` and `:` in code.
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
    branches.push(keys.length > 0 ? lookahead + lookbehind : lookbehind + lookahead);
  }
  return either(branches);
}

/** A global regex whose matches start at a character `index` has anchors for. */
interface Prefilter {
  regex: RegExp;
  index: AnchorIndex;
}

export class Matcher {
  /** The furthest any anchor check or target reads past a reported character. */
  readonly ahead: number;
  /** The furthest any anchor check or target reads before a reported character. */
  readonly behind: number;
  readonly #prefilters: Prefilter[] = [];
  readonly #needles: NeedleSpec[];

  constructor(specs: AnchorSpec[], needles: NeedleSpec[] = []) {
    this.#needles = needles;
    const merged = new Map<string, { spec: AnchorSpec; targets: MatchTarget[] }>();
    for (const spec of specs) {
      const key = JSON.stringify([spec.literal, spec.caseInsensitive, spec.before, spec.after]);
      const entry = merged.get(key);
      if (entry) entry.targets.push(spec.target);
      else merged.set(key, { spec, targets: [spec.target] });
    }
    const pivotAnchors = new AnchorIndex();
    const literalAnchors = new AnchorIndex();
    const pivotContexts = new Map<string, [string, string][]>();
    const literals: string[] = [];
    let ahead = 0;
    let behind = 0;
    for (const { spec, targets } of merged.values()) {
      const ci = spec.caseInsensitive;
      const found = pivotIndex(spec.literal);
      const pivot = Math.max(found, 0);
      const pivotChar = spec.literal[pivot];
      const before = spec.before + literalSource(spec.literal.slice(0, pivot), ci);
      const after = literalSource(spec.literal.slice(pivot + 1), ci) + spec.after;
      const pivotAtom = literalSource(pivotChar, ci);
      const anchor: Anchor = {
        literal: spec.literal,
        pivot,
        targets,
        check: new RegExp(`(?<=${before})${pivotAtom}(?=${after})`, "y"),
      };
      const beforeReach = regexReach(before);
      behind = Math.max(behind, beforeReach.length + beforeReach.behind);
      ahead = Math.max(ahead, 1 + regexReach(after).ahead);
      for (const t of targets) {
        ahead = Math.max(ahead, t.ahead - pivot);
        behind = Math.max(behind, t.behind + pivot);
      }
      if (found === -1) {
        literalAnchors.add(pivotChar, anchor);
        const whole = literalSource(spec.literal, ci);
        const context = spec.before ? `(?<=${spec.before}${whole})` : "";
        literals.push(`${whole}${context}${spec.after ? `(?=${spec.after})` : ""}`);
      } else {
        pivotAnchors.add(pivotChar, anchor);
        pivotContexts.set(pivotChar, [...(pivotContexts.get(pivotChar) ?? []), [before, after]]);
      }
    }
    for (const { target } of needles) ahead = Math.max(ahead, target.ahead);
    this.ahead = ahead;
    this.behind = behind;
    if (pivotContexts.size > 0) {
      const pivots = [...pivotContexts.keys()].sort((a, b) => charWeight(b) - charWeight(a));
      const set = pivots.map((ch) => (/[\\\]^-]/.test(ch) ? `\\${ch}` : ch)).join("");
      const dispatch = pivots.map((ch) => {
        const atom = escapeRegex(ch);
        return `(?<=${atom})${pivotFilter(atom, pivotContexts.get(ch)!)}`;
      });
      this.#prefilters.push({
        regex: new RegExp(`[${set}](?:${dispatch.join("|")})`, "g"),
        index: pivotAnchors,
      });
    }
    if (literals.length > 0) {
      this.#prefilters.push({ regex: new RegExp(literals.join("|"), "g"), index: literalAnchors });
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

  /** Calls `visit` for every needle occurrence starting in [from, to). */
  visitNeedles(
    text: string,
    from: number,
    to: number,
    visit: (target: MatchTarget, start: number) => void,
  ): void {
    for (const { needle, target } of this.#needles) {
      for (
        let i = text.indexOf(needle, from);
        i !== -1 && i < to;
        i = text.indexOf(needle, i + 1)
      ) {
        visit(target, i);
      }
    }
  }
}
