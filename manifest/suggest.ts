import { SUGGEST_WORD_LIMIT } from "./limits.ts";

/**
 * The candidate closest to `word` by edit distance, if it is close enough to be a typo. A word
 * longer than SUGGEST_WORD_LIMIT is no typo: it gets no suggestion and costs nothing.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > SUGGEST_WORD_LIMIT) return undefined;
  const normal = word.toLowerCase().replaceAll("-", "_");
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(normal, candidate.toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` when a close candidate exists, else an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : `; did you mean \`${match}\`?`;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions, transpositions.
 * With `max`, any distance above it is returned as `max + 1`, and the work stops as soon as
 * it is certain (three rows of memory, never a table).
 */
export function editDistance(a: string, b: string, max: number = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, before[j - 2] + 1);
      }
      current[j] = distance;
      rowMin = Math.min(rowMin, distance);
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length], max + 1);
}
