/**
 * Secrets split across parts: query parameters (`?k=part1&k=part2`), form fields, path
 * segments, header values. The parts are joined and searched for anchors; at each anchor,
 * every run of whole parts around it (up to the longest secret) is tried on its own, so the
 * parts' neighbours cannot hide a split secret's boundaries.
 */
import type { FindingSink, Matcher, MatchTarget } from "./matcher.ts";

/** At most this many parts before the anchor's part can hold the start of a secret. */
const MAX_PARTS_BEFORE = 3;
/** At most this many parts after it are joined. */
const MAX_PARTS_AFTER = 64;

export function scanSplit(
  matcher: Matcher,
  parts: readonly string[],
  sink: FindingSink,
  label: string,
): void {
  const pieces = parts.filter((p) => p.length > 0);
  if (pieces.length < 2) return;
  const joined = pieces.join("");
  const offsets = [0];
  for (const piece of pieces) offsets.push(offsets[offsets.length - 1] + piece.length);
  const partAt = (pos: number): number => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /** Whether the target may match at `start` in joined[from, end) at all. */
  type May = (from: number, end: number, start: number, target: MatchTarget) => boolean;
  const always: May = () => true;
  const tryTarget = (target: MatchTarget, start: number, may: May = always): void => {
    if (sink.seen(target.id)) return;
    const part = partAt(start);
    for (let first = part; first >= Math.max(0, part - MAX_PARTS_BEFORE); first--) {
      if (first < part && start - offsets[first] > matcher.behind) break;
      // Deep inside a long part, the window starts just far enough back for lookbehinds.
      const from = first === part
        ? Math.max(offsets[part], start - matcher.behind)
        : offsets[first];
      for (let last = part; last < pieces.length && last <= part + MAX_PARTS_AFTER; last++) {
        if (offsets[last] - start > matcher.ahead) break;
        const end = offsets[last + 1];
        if (
          may(from, end, start, target) && target.test(joined.slice(from, end), start - from)
        ) {
          sink.report(target.id, `${target.title}, ${label}`);
          return;
        }
      }
    }
  };
  matcher.visitAnchors(joined, 0, joined.length, (anchor, start) => {
    // Per window, the targets whose pattern matches there, found in one regex run.
    const possible = new Map<string, Set<MatchTarget>>();
    const may: May = (from, end, at, target) => {
      const key = `${from}:${end}`;
      let targets = possible.get(key);
      if (targets === undefined) {
        const found = new Set<MatchTarget>();
        anchor.filter.forEach(joined.slice(from, end), at - from, (t) => found.add(t));
        possible.set(key, targets = found);
      }
      return targets.has(target);
    };
    for (const target of anchor.targets) tryTarget(target, start, may);
  });
  matcher.visitNeedles(joined, 0, joined.length, tryTarget);
}
