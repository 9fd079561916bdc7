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
