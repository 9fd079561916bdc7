/**
 * Alternations of literals as tries: `ghp_|gho_|glpat-` becomes `g(?:h(?:p_|o_)|lpat-)`. A
 * regex engine tries alternatives one after another, so at each candidate position a trie
 * costs a test per character read rather than one per alternative.
 */

/** A literal, as regex atoms (an escaped character, or `[aA]`), and what must follow it. */
export interface TrieWord {
  atoms: readonly string[];
  /** Regex source matched after the atoms (before them, for a backward trie). */
  rest: string;
}

/** The atoms of `text`; letters match either case when `caseInsensitive`. */
export function literalAtoms(
  text: string,
  caseInsensitive: boolean,
  escape: (ch: string) => string,
): string[] {
  return [...text].map((ch) => {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    return caseInsensitive && lower !== upper ? `[${lower}${upper}]` : escape(ch);
  });
}

/** The alternatives matching any of `words`, or null when one of them matches nothing. */
function alternatives(words: readonly TrieWord[], backward: boolean): string[] | null {
  const ends = new Set<string>();
  const byAtom = new Map<string, TrieWord[]>();
  for (const word of words) {
    if (word.atoms.length === 0) {
      if (word.rest === "") return null;
      ends.add(word.rest);
      continue;
    }
    const rest = { atoms: word.atoms.slice(1), rest: word.rest };
    byAtom.set(word.atoms[0], [...(byAtom.get(word.atoms[0]) ?? []), rest]);
  }
  const out = [...ends].map((end) => `(?:${end})`);
  for (const [atom, rests] of byAtom) {
    const inner = alternatives(rests, backward);
    const tail = inner === null ? "" : inner.length === 1 ? inner[0] : `(?:${inner.join("|")})`;
    out.push(backward ? tail + atom : atom + tail);
  }
  return out;
}

/**
 * A regex source (an alternation: wrap it before appending) matching any of `words`.
 * Forward: each word's atoms, then its rest. Backward (for a lookbehind, matched right to
 * left): the atoms are listed from the right, and each word reads as its rest, then its
 * atoms in text order, so words sharing an ending share its test.
 */
export function trieSource(words: readonly TrieWord[], backward = false): string {
  return alternatives(words, backward)?.join("|") ?? "";
}
