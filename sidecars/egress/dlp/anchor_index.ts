/**
 * The anchors worth checking where a prefilter matched. All anchors reported at the same
 * character (109 end at `_`: `ghp_`, `sk_`, …) would each cost a regex test; the literal
 * characters right before and after the reported one rule out nearly all of them first.
 */

/** A literal character an anchor needs beside the reported one: its two cases, or none. */
type Beside = readonly [string, string] | null;

interface Entry<A> {
  anchor: A;
  before: Beside;
  after: Beside;
}

/** Non-ASCII characters are left to the anchor's own check (their case mappings vary). */
function beside(ch: string | undefined, caseInsensitive: boolean): Beside {
  if (ch === undefined || ch.charCodeAt(0) > 0x7f) return null;
  return caseInsensitive ? [ch.toLowerCase(), ch.toUpperCase()] : [ch, ch];
}

function fits(need: Beside, ch: string | undefined): boolean {
  return need === null || ch === need[0] || ch === need[1];
}

export class AnchorIndex<A> {
  /** By the reported character, folded to lower case; in the order added. */
  readonly #byChar = new Map<string, Entry<A>[]>();

  /** `at` is the index in `literal` of the character the prefilter reports. */
  add(anchor: A, literal: string, at: number, caseInsensitive: boolean): void {
    const key = literal[at].toLowerCase();
    const entry = {
      anchor,
      before: beside(literal[at - 1], caseInsensitive),
      after: beside(literal[at + 1], caseInsensitive),
    };
    const entries = this.#byChar.get(key);
    if (entries === undefined) this.#byChar.set(key, [entry]);
    else entries.push(entry);
  }

  /** Calls `visit` for each anchor whose literal may be at `p` (its reported character). */
  candidates(text: string, p: number, visit: (anchor: A) => void): void {
    const entries = this.#byChar.get(text[p].toLowerCase());
    if (entries === undefined) return;
    const previous = text[p - 1];
    const next = text[p + 1];
    for (const { anchor, before, after } of entries) {
      if (fits(before, previous) && fits(after, next)) visit(anchor);
    }
  }
}
