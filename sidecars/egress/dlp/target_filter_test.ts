import assert from "node:assert/strict";
import type { MatchTarget } from "./match_target.ts";
import { SECRET_RULES } from "./rules/mod.ts";
import { groupCount, TargetFilter } from "./target_filter.ts";

/** The regex engine's own count: an empty alternative always matches, with every group. */
function enginesGroupCount(source: string): number {
  return new RegExp(`${source}|`).exec("")!.length - 1;
}

Deno.test("target filter: capture groups counted as the regex engine counts them", () => {
  for (const rule of SECRET_RULES) {
    const source = rule.pattern.source;
    assert.equal(groupCount(source), enginesGroupCount(source), rule.id);
  }
  for (
    const source of [
      "a(b)(?:c)(?=(d))(?<=e)(?<!f)(?!g)",
      "\\(a\\)[(]([)]x)[\\]()](y)",
      "[]()]",
      "[^](z)",
      "((a)(b(c)))",
    ]
  ) {
    assert.equal(groupCount(source), enginesGroupCount(source), source);
  }
});

function target(id: string, pattern: string | RegExp, passes = true): MatchTarget {
  const regex = typeof pattern === "string" ? new RegExp(pattern, "y") : pattern;
  return {
    id,
    title: id,
    ahead: 64,
    behind: 0,
    pattern: regex,
    test: (text, start) => {
      regex.lastIndex = start;
      return passes && regex.test(text);
    },
  };
}

function visited(filter: TargetFilter, text: string, start: number): string[] {
  const out: string[] = [];
  filter.forEach(text, start, (t) => out.push(t.id));
  return out;
}

Deno.test("target filter: visits, in order, each target whose pattern matches there", () => {
  const targets = [
    target("digits", "(\\d)(\\d)\\d"),
    target("word", "[a-z]+"),
    target("behind", "(?<=k=)[a-z0-9]{3}"),
    target("fails-test", "([a-z])\\w", false),
    // Not sticky, and with a backreference: never joined, always visited.
    target("unjoinable", /x/g),
    target("backref", "(a)\\1"),
    target("x-then-digit", "x\\d"),
  ];
  const filter = new TargetFilter(targets);
  const text = "k=abc 123 x9 aa";
  const at = (start: number): string[] => visited(filter, text, start);
  assert.deepEqual(at(2), ["word", "behind", "fails-test", "unjoinable", "backref"]);
  assert.deepEqual(at(6), ["digits", "unjoinable", "backref"]);
  assert.deepEqual(at(10), ["word", "fails-test", "unjoinable", "backref", "x-then-digit"]);
  assert.deepEqual(at(5), ["unjoinable", "backref"]);
  assert.deepEqual(at(13), ["word", "fails-test", "unjoinable", "backref"]);
});

Deno.test("target filter: one target, or patterns that cannot be joined, are all visited", () => {
  const one = new TargetFilter([target("only", "nope")]);
  assert.deepEqual(visited(one, "text", 0), ["only"]);
  // Named groups are not joined (names may clash, numbers shift): such targets are visited.
  const named = new TargetFilter([target("a", "(?<n>a)"), target("b", "(?<n>b)")]);
  assert.deepEqual(visited(named, "zzz", 0), ["a", "b"]);
});
