import assert from "node:assert/strict";
import { regexReach } from "./regex_reach.ts";
import { caseless } from "./rules/rule.ts";

Deno.test("regexReach: lengths, lookahead reach and lookbehind depth", () => {
  assert.deepEqual(regexReach("ab[cd]{2,5}"), { length: 7, ahead: 7, behind: 0 });
  assert.deepEqual(regexReach("a(?=b{3})"), { length: 1, ahead: 4, behind: 0 });
  assert.deepEqual(regexReach("(?<=x{2,4})a|bc?"), { length: 2, ahead: 2, behind: 4 });
  assert.deepEqual(regexReach("(?<![A-Z])\\.a\\u0041"), { length: 3, ahead: 3, behind: 1 });
  assert.deepEqual(regexReach("\\bab"), { length: 2, ahead: 2, behind: 1 });
});

Deno.test("regexReach: escapes, group heads, literal braces, classes", () => {
  const reach = (source: string): number[] => {
    const { length, ahead, behind } = regexReach(source);
    return [length, ahead, behind];
  };
  assert.deepEqual(reach("\\u0041\\u00x"), [5, 5, 0]); // `\u00` without 4 hex digits is `u`
  assert.deepEqual(reach("\\x41\\x4"), [3, 3, 0]);
  assert.deepEqual(reach("(?<name>ab)c"), [3, 3, 0]);
  assert.deepEqual(reach("(?i:ab|c)d"), [3, 3, 0]);
  assert.deepEqual(reach("(?-i:a)"), [1, 1, 0]);
  assert.deepEqual(reach("(?x)"), [2, 2, 0]); // not a group head: `?` and `x`
  assert.deepEqual(reach("a{b}"), [4, 4, 0]); // not a quantifier: literal braces
  assert.deepEqual(reach("a{0}b"), [1, 1, 0]);
  assert.deepEqual(reach("ab{2}?c"), [4, 4, 0]);
  assert.deepEqual(reach("a{1,3}{2}"), [6, 6, 0]);
  assert.deepEqual(reach("[]a]b"), [2, 2, 0]);
  assert.deepEqual(reach("[^]]x"), [2, 2, 0]);
  assert.deepEqual(reach("(?<!ab)c"), [1, 1, 2]);
  assert.deepEqual(reach("(?!abc)d"), [1, 3, 0]);
  assert.deepEqual(reach("^a$"), [1, 1, 0]);
  assert.deepEqual(reach("a\\b(?=c{2})"), [1, 3, 0]);
});

Deno.test("regexReach: malformed sources are refused", () => {
  assert.throws(() => regexReach("(ab"), /missing '\)'/);
  assert.throws(() => regexReach("ab)"), /unbalanced '\)'/);
  assert.throws(() => regexReach("[ab"), /missing '\]'/);
  assert.throws(() => regexReach("ab\\"), /trailing backslash/);
  assert.throws(() => regexReach("(a)\\1"), /backreferences/);
});

Deno.test("regexReach: unbounded quantifiers are refused", () => {
  for (const source of ["a*", "a+", "a{2,}", "(?:ab)+c"]) {
    assert.throws(() => regexReach(source), /unbounded/, source);
  }
  assert.doesNotThrow(() => regexReach("[*+]{1,2}\\*"));
});

Deno.test("caseless: spelled-out case classes work inside lookbehinds", () => {
  const key = caseless("secret[_-]?access[_-]?key");
  assert.ok(new RegExp(`(?<=${key})=`).test("AWS_SECRET_ACCESS_KEY="));
  assert.ok(new RegExp(`(?<=${key})=`).test("secretAccessKey="));
  assert.equal(caseless("[a-f0-9]x"), "[a-fA-F0-9][xX]");
});
