/**
 * Choosing an anchor's pivot: the character the prefilter's character class scans for.
 * Only punctuation qualifies — base64 and hex blobs, the bulk of benign traffic, contain
 * almost none, so the class skips them at native speed. Anchors made only of letters and
 * digits have no pivot and are searched for as whole literals instead.
 */

/** Rough share of benign text (source code, JSON) that is each character. */
const WEIGHT: Record<string, number> = {
  "~": 0.001,
  "^": 0.001,
  "$": 0.002,
  "@": 0.002,
  "#": 0.002,
  "!": 0.002,
  "|": 0.002,
  "%": 0.005,
  "&": 0.005,
  "*": 0.005,
  "=": 0.01,
  "+": 0.016,
  "/": 0.02,
  "_": 0.02,
  ":": 0.02,
  "-": 0.03,
  ".": 0.03,
};

export function charWeight(ch: string): number {
  return WEIGHT[ch] ?? 0.05;
}

/** Only the first characters are considered, so lookbehinds stay short. */
const PIVOT_WINDOW = 24;

function isAlnum(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a);
}

/** Index of the rarest punctuation character near the literal's start, or -1. */
export function pivotIndex(literal: string): number {
  let best = -1;
  for (let i = 0; i < literal.length && i < PIVOT_WINDOW; i++) {
    if (isAlnum(literal.charCodeAt(i))) continue;
    if (best === -1 || charWeight(literal[i]) < charWeight(literal[best])) best = i;
  }
  return best;
}
