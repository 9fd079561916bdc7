/**
 * The scanning core. Every secret has an anchor: a literal (with optional regex context)
 * that must occur in it. Prefilter regexes (prefilter.ts) find anchors at native speed:
 *
 * - the pivot regex is an alternation over punctuation characters — for each anchor the
 *   rarest one it contains (its pivot, e.g. `_` in `ghp_`, `=` in `password=`) — each
 *   followed by lookbehind / lookahead checks of the rest of its anchors, so text without
 *   those characters (base64, hex, prose) is skipped quickly;
 * - anchors made only of letters and digits (`AKIA`, `eyJ`) go into tries of literals.
 *
 * Only at an anchor are the rule patterns and validators run; the bottle's own secrets are
 * searched for apart (needle_search.ts).
 */
import { NeedleSearches } from "./needle_search.ts";
import { pivotIndex } from "./pivots.ts";
import {
  literalPrefilters,
  pivotPrefilter,
  type Prefilter,
  type PrefilterAnchor,
} from "./prefilter.ts";
import { regexReach } from "./regex_reach.ts";
import { literalAtoms } from "./regex_trie.ts";
import { escapeRegex } from "./rules/rule.ts";
import { TargetFilter } from "./target_filter.ts";
import type { MatchTarget, NeedleSpec } from "./match_target.ts";

export type { MatchTarget, NeedleSpec } from "./match_target.ts";

export interface AnchorSpec {
  literal: string;
  caseInsensitive: boolean;
  /** Regex sources the text must match just before / after the literal. */
  before: string;
  after: string;
  target: MatchTarget;
}

/** Where findings go; `seen` lets the matcher skip rules already reported. */
export interface FindingSink {
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
  /** The targets that may match at the anchor's start. */
  readonly filter: TargetFilter;
}

function literalSource(text: string, caseInsensitive: boolean): string {
  return literalAtoms(text, caseInsensitive, escapeRegex).join("");
}

/** Specs with the same literal and context share one anchor. */
function mergeSpecs(specs: AnchorSpec[]): { spec: AnchorSpec; targets: MatchTarget[] }[] {
  const merged = new Map<string, { spec: AnchorSpec; targets: MatchTarget[] }>();
  for (const spec of specs) {
    // Length-prefixed, so no two specs share a key by accident.
    const { literal, before, after } = spec;
    const key = `${literal.length}:${literal}${spec.caseInsensitive ? 1 : 0}${before.length}:` +
      `${before}${after}`;
    const entry = merged.get(key);
    if (entry) entry.targets.push(spec.target);
    else merged.set(key, { spec, targets: [spec.target] });
  }
  return [...merged.values()];
}

interface CompiledAnchor extends PrefilterAnchor<Anchor> {
  ahead: number;
  behind: number;
}

function compileAnchor(spec: AnchorSpec, targets: MatchTarget[]): CompiledAnchor {
  const ci = spec.caseInsensitive;
  const found = pivotIndex(spec.literal);
  const pivot = Math.max(found, 0);
  const char = spec.literal[pivot];
  const atoms = literalAtoms(spec.literal, ci, escapeRegex);
  // The literal's atoms by character index, unless it has astral characters (two each).
  const perChar = atoms.length === spec.literal.length;
  const source = (from: number, to: number): string =>
    perChar ? atoms.slice(from, to).join("") : literalSource(spec.literal.slice(from, to), ci);
  const before = spec.before + source(0, pivot);
  const after = source(pivot + 1, spec.literal.length) + spec.after;
  const beforeReach = regexReach(before);
  let ahead = 1 + regexReach(after).ahead;
  let behind = beforeReach.length + beforeReach.behind;
  for (const t of targets) {
    ahead = Math.max(ahead, t.ahead - pivot);
    behind = Math.max(behind, t.behind + pivot);
  }
  const pivotSource = perChar ? atoms[pivot] : literalSource(char, ci);
  const check = new RegExp(`(?<=${before})${pivotSource}(?=${after})`, "y");
  return {
    anchor: { literal: spec.literal, pivot, targets, check, filter: new TargetFilter(targets) },
    literal: spec.literal,
    caseInsensitive: ci,
    atoms,
    pivot: found,
    char,
    before: spec.before,
    after: spec.after,
    ahead,
    behind,
  };
}

export class Matcher {
  /** The furthest any anchor check or target reads past a reported character. */
  readonly ahead: number;
  /** The furthest any anchor check or target reads before a reported character. */
  readonly behind: number;
  readonly #prefilters: Prefilter<Anchor>[] = [];
  readonly #needles: NeedleSearches;

  constructor(specs: AnchorSpec[], needles: NeedleSpec[] = []) {
    this.#needles = new NeedleSearches(needles);
    const compiled = mergeSpecs(specs).map(({ spec, targets }) => compileAnchor(spec, targets));
    this.ahead = Math.max(
      0,
      ...compiled.map((c) => c.ahead),
      ...needles.map((n) => n.target.ahead - n.offset),
    );
    this.behind = Math.max(0, ...compiled.map((c) => c.behind), ...needles.map((n) => n.offset));
    const pivoted = compiled.filter((c) => c.pivot !== -1);
    if (pivoted.length > 0) this.#prefilters.push(pivotPrefilter(pivoted));
    this.#prefilters.push(...literalPrefilters(compiled.filter((c) => c.pivot === -1)));
  }

  /** Calls `visit` for every anchor whose reported character lies in [from, to). */
  visitAnchors(
    text: string,
    from: number,
    to: number,
    visit: (anchor: Anchor, start: number) => void,
  ): void {
    for (const { regex, index, ahead } of this.#prefilters) {
      // The text past what a match before `to` can read is left out of the search.
      const end = to + ahead + 1;
      const subject = end < text.length ? text.slice(0, end) : text;
      regex.lastIndex = from;
      for (let m = regex.exec(subject); m !== null && m.index < to; m = regex.exec(subject)) {
        const p = m.index;
        regex.lastIndex = p + 1;
        index.candidates(text, p, (anchor) => {
          anchor.check.lastIndex = p;
          if (anchor.check.test(text)) visit(anchor, p - anchor.pivot);
        });
      }
    }
  }

  /** Reports every target that matches at an anchor or needle reported in [from, to). */
  scan(text: string, from: number, to: number, sink: FindingSink, label = ""): void {
    const report = (target: MatchTarget): void => {
      sink.report(target.id, label ? `${target.title}, ${label}` : target.title);
    };
    this.visitAnchors(text, from, to, (anchor, start) => {
      anchor.filter.forEach(text, start, (target) => {
        if (!sink.seen(target.id) && target.test(text, start)) report(target);
      });
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
    this.#needles.visit(text, from, to, visit);
  }
}
