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

/**
 * The atoms of `text`, one per character (code point); letters match either case when
 * `caseInsensitive`.
 */
export function literalAtoms(
  text: string,
  caseInsensitive: boolean,
  escape: (ch: string) => string,
): string[] {
  const atoms: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const pair = isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1));
    const ch = pair ? text.slice(i, i + 2) : text[i];
    if (pair) i++;
    const lower = caseInsensitive ? ch.toLowerCase() : ch;
    const upper = caseInsensitive ? ch.toUpperCase() : ch;
    atoms.push(lower !== upper ? `[${lower}${upper}]` : escape(ch));
  }
  return atoms;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The alternatives matching any of `words` from their atom `depth` on, or null when one of
 * them matches nothing there. (Arrays and index loops, not Maps and iterators: the engine
 * builds its tries once, at start, and this keeps that from leaving garbage behind.)
 */
function alternatives(
  words: readonly TrieWord[],
  depth: number,
  backward: boolean,
): string[] | null {
  if (words.length === 1) return chain(words[0], depth, backward);
  const ends: string[] = [];
  const atoms: string[] = [];
  const groups: TrieWord[][] = [];
  for (let w = 0; w < words.length; w++) {
    const word = words[w];
    if (word.atoms.length === depth) {
      if (word.rest === "") return null;
      if (!ends.includes(word.rest)) ends.push(word.rest);
      continue;
    }
    const atom = word.atoms[depth];
    const g = atoms.indexOf(atom);
    if (g === -1) {
      atoms.push(atom);
      groups.push([word]);
    } else {
      groups[g].push(word);
    }
  }
  const out: string[] = [];
  for (let e = 0; e < ends.length; e++) out.push(`(?:${ends[e]})`);
  for (let g = 0; g < atoms.length; g++) {
    const inner = alternatives(groups[g], depth + 1, backward);
    const tail = inner === null ? "" : inner.length === 1 ? inner[0] : `(?:${inner.join("|")})`;
    out.push(backward ? tail + atoms[g] : atoms[g] + tail);
  }
  return out;
}

/** `alternatives` of one word: its atoms from `depth` on and its rest, in one string. */
function chain(word: TrieWord, depth: number, backward: boolean): string[] | null {
  let out = word.rest === "" ? "" : `(?:${word.rest})`;
  if (word.atoms.length === depth) return out === "" ? null : [out];
  for (let i = word.atoms.length - 1; i >= depth; i--) {
    out = backward ? out + word.atoms[i] : word.atoms[i] + out;
  }
  return [out];
}

/**
 * A regex source (an alternation: wrap it before appending) matching any of `words`.
 * Forward: each word's atoms, then its rest. Backward (for a lookbehind, matched right to
 * left): the atoms are listed from the right, and each word reads as its rest, then its
 * atoms in text order, so words sharing an ending share its test.
 */
export function trieSource(words: readonly TrieWord[], backward = false): string {
  return alternatives(words, 0, backward)?.join("|") ?? "";
}
