/**
 * The prefilter regexes that find anchors at native speed (see matcher.ts). A prefilter may
 * match where no anchor is (the anchors' own checks decide), never miss one that is.
 *
 * The regex engine tries the alternatives of an alternation one after another at each
 * candidate position, so literals are grouped into tries (regex_trie.ts), and anchors made
 * only of letters and digits are split by length: an alternation is skipped through fastest
 * (Boyer-Moore) over a window as long as its shortest literal, and a two-letter literal
 * among long ones shrinks that window for all of them.
 */
import { AnchorIndex } from "./anchor_index.ts";
import { charWeight } from "./pivots.ts";
import { regexReach } from "./regex_reach.ts";
import { trieSource, type TrieWord } from "./regex_trie.ts";
import { escapeRegex, KEY_END, KEY_WORD_ENDING } from "./rules/rule.ts";

/** What the prefilter needs of an anchor: its literal, reported character and context. */
export interface PrefilterAnchor<A> {
  anchor: A;
  literal: string;
  caseInsensitive: boolean;
  /** The literal, as regex atoms (literalAtoms). */
  atoms: readonly string[];
  /** Index in the literal of the reported character: its pivot, or -1 (none) for its first. */
  pivot: number;
  char: string;
  /** Regex sources the text must match just before / after the literal. */
  before: string;
  after: string;
}

/** A global regex whose matches start at a character `index` has anchors for. */
export interface Prefilter<A> {
  regex: RegExp;
  index: AnchorIndex<A>;
  /** How far past a match's start the regex can read (Infinity: unknown). */
  ahead: number;
}

function prefilter<A>(source: string, index: AnchorIndex<A>): Prefilter<A> {
  let ahead = Infinity;
  try {
    ahead = regexReach(source).ahead;
  } catch {
    // A construct regexReach does not bound: the regex reads the whole text.
  }
  return { regex: new RegExp(source, "g"), index, ahead };
}

function isEmpty(word: TrieWord): boolean {
  return word.atoms.length === 0 && word.rest === "";
}

/** A pivoted anchor's context: the characters before its pivot, nearest first, and after. */
function around(a: PrefilterAnchor<unknown>): { before: TrieWord; after: TrieWord } {
  return {
    before: { atoms: a.atoms.slice(0, a.pivot).reverse(), rest: a.before },
    after: { atoms: a.atoms.slice(a.pivot + 1), rest: a.after },
  };
}

function source(word: TrieWord, backward = false): string {
  const atoms = backward ? [...word.atoms].reverse() : word.atoms;
  return backward ? word.rest + atoms.join("") : atoms.join("") + word.rest;
}

const either = (parts: Iterable<string>): string => `(?:${[...parts].join("|")})`;

/** Whether `word` is a key before an assignment (`contextRule`): its regex ends in KEY_END. */
function isKey(word: TrieWord): boolean {
  return word.atoms.length === 0 && word.rest.length > KEY_END.length &&
    word.rest.endsWith(KEY_END);
}

/**
 * The lookbehind and lookahead of anchors sharing what follows the pivot. The side that
 * starts with a literal character goes first: that test is the cheaper one to fail. Keys
 * before an assignment share their `KEY_END`, and as their lookbehind is the costly one,
 * it comes last: after a check of the key's last two letters, which rejects most `=` and
 * `:` in code and JSON, and the lookahead (a value follows).
 */
function contextBranch(pivot: string, after: TrieWord, befores: readonly TrieWord[]): string {
  const lookahead = isEmpty(after) ? "" : `(?=${source(after)})`;
  const keys = befores.filter(isKey).map((before) => before.rest.slice(0, -KEY_END.length));
  const others = befores.filter((before) => !isKey(before));
  if (keys.length > 0) others.push({ atoms: [], rest: `${either(keys)}${KEY_END}` });
  const lookbehind = `(?<=(?:${trieSource(others, true)})${pivot})`;
  if (keys.length > 0) {
    return `(?<=${KEY_WORD_ENDING}${KEY_END}${pivot})${lookahead}${lookbehind}`;
  }
  const behindFirst = after.atoms.length === 0 && befores.every((b) => b.atoms.length > 0);
  return behindFirst ? lookbehind + lookahead : lookahead + lookbehind;
}

/**
 * What follows a pivot character in the pivot regex: some anchor's context matches.
 * Anchors needing nothing before the pivot share one lookahead trie; the others are grouped
 * by what they need after it, with one lookbehind trie for each group's "befores".
 */
function pivotFilter(ch: string, contexts: readonly PrefilterAnchor<unknown>[]): string {
  const lookaheads: TrieWord[] = [];
  const byAfter = new Map<string, { after: TrieWord; befores: TrieWord[] }>();
  for (const { before, after } of contexts.map(around)) {
    if (isEmpty(before)) {
      if (isEmpty(after)) return "";
      lookaheads.push(after);
      continue;
    }
    const group = byAfter.get(source(after)) ?? { after, befores: [] };
    group.befores.push(before);
    byAfter.set(source(after), group);
  }
  const covered = new Set(lookaheads.map((after) => source(after)));
  const branches = lookaheads.length > 0 ? [`(?=${trieSource(lookaheads)})`] : [];
  for (const [key, { after, befores }] of byAfter) {
    if (!covered.has(key)) branches.push(contextBranch(escapeRegex(ch), after, befores));
  }
  return either(branches);
}

/**
 * An alternation over the pivot characters, each followed by the filter of its anchors; the
 * match starts at the pivot. (A leading `[pivots]` class, then lookbehinds to dispatch on
 * the character it matched, is slower.)
 */
export function pivotPrefilter<A>(anchors: readonly PrefilterAnchor<A>[]): Prefilter<A> {
  const index = new AnchorIndex<A>();
  const contexts = new Map<string, PrefilterAnchor<A>[]>();
  for (const a of anchors) {
    index.add(a.anchor, a.literal, a.pivot, a.caseInsensitive);
    const group = contexts.get(a.char);
    if (group === undefined) contexts.set(a.char, [a]);
    else group.push(a);
  }
  const pivots = [...contexts.keys()].sort((a, b) => charWeight(b) - charWeight(a));
  const dispatch = pivots.map((ch) => escapeRegex(ch) + pivotFilter(ch, contexts.get(ch)!));
  return prefilter(dispatch.join("|"), index);
}

/** Literals shorter than this are searched for apart from the longer ones. */
const SHORT = 4;

/** Tries of whole literals, each followed by checks of its context; short ones apart. */
export function literalPrefilters<A>(anchors: readonly PrefilterAnchor<A>[]): Prefilter<A>[] {
  const groups = [
    anchors.filter((a) => a.atoms.length < SHORT),
    anchors.filter((a) => a.atoms.length >= SHORT),
  ];
  return groups.filter((group) => group.length > 0).map((group) => {
    const index = new AnchorIndex<A>();
    const words = group.map((a): TrieWord => {
      index.add(a.anchor, a.literal, 0, a.caseInsensitive);
      const before = a.before ? `(?<=${a.before}${a.atoms.join("")})` : "";
      return { atoms: a.atoms, rest: `${before}${a.after ? `(?=${a.after})` : ""}` };
    });
    return prefilter(trieSource(words), index);
  });
}
