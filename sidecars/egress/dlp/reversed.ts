/**
 * Secrets written backwards. Every anchor literal of three characters or more is also looked
 * for reversed; at such a hit the text around it is turned around and the format's own
 * test runs on it, so `HGFDSAPOIUYTREWQAIKA` is found as the AWS key it is. Formats found
 * only by context (a key name and `=`) and those reaching far past their anchor (JWTs, PEM
 * blocks) are left out: their anchors are too common, or their windows too wide, to turn.
 */
import type { AnchorSpec, MatchTarget } from "./matcher.ts";

const MIN_LITERAL = 3;
/** Formats that read further than this past their anchor are not reversed. */
const MAX_AHEAD = 512;

function reverse(text: string): string {
  return text.split("").reverse().join("");
}

function reversedTarget(target: MatchTarget, literal: number): MatchTarget {
  return {
    id: target.id,
    title: `${target.title}, written backwards`,
    ahead: literal + target.behind,
    behind: Math.max(0, target.ahead - literal),
    test(text: string, start: number): boolean {
      const end = start + literal;
      const from = Math.max(0, end - target.ahead);
      const to = Math.min(text.length, end + target.behind);
      return target.test(reverse(text.slice(from, to)), to - end);
    },
  };
}

export function reversedAnchors(specs: readonly AnchorSpec[]): AnchorSpec[] {
  const reversed: AnchorSpec[] = [];
  const targets = new Map<MatchTarget, MatchTarget>();
  for (const spec of specs) {
    const literal = spec.literal;
    if (literal.length < MIN_LITERAL || spec.target.ahead > MAX_AHEAD) continue;
    const reversedLiteral = reverse(literal);
    if (reversedLiteral === literal) continue;
    const target = targets.get(spec.target) ?? reversedTarget(spec.target, literal.length);
    targets.set(spec.target, target);
    reversed.push({
      literal: reversedLiteral,
      caseInsensitive: spec.caseInsensitive,
      before: "",
      after: "",
      target,
    });
  }
  return reversed;
}
