import type { AnchorSpec, MatchTarget } from "./matcher.ts";
import { isPublicExample } from "./placeholders.ts";
import type { SecretRule } from "./rules/mod.ts";

function ruleTarget(rule: SecretRule): MatchTarget {
  return {
    id: rule.id,
    title: rule.title,
    ahead: rule.reach.ahead,
    behind: rule.reach.behind,
    pattern: rule.pattern,
    test(text: string, start: number): boolean {
      rule.pattern.lastIndex = start;
      const m = rule.pattern.exec(text);
      return m !== null && rule.validate(m) && !isPublicExample(rule.secret(m));
    },
  };
}

/** One anchor spec per (rule, anchor literal). */
export function ruleAnchors(rules: readonly SecretRule[]): AnchorSpec[] {
  return rules.flatMap((rule) => {
    const target = ruleTarget(rule);
    return rule.anchors.map((literal) => ({
      literal,
      caseInsensitive: rule.anchorCase === "insensitive",
      before: rule.anchorBefore,
      after: rule.anchorAfter,
      target,
    }));
  });
}
