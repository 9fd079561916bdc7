import assert from "node:assert/strict";

const assertFalse = (value: boolean): void => assert.equal(value, false);
import { branchGlobProblem, globMatcher } from "./glob.ts";

Deno.test("glob: * stays within a segment", () => {
  const match = globMatcher(["feature/*"]);
  assert(match("feature/x"));
  assertFalse(match("feature/x/y"));
  assertFalse(match("feature"));
  assertFalse(match("featurex/y"));
});

Deno.test("glob: ** spans segments, at the start, middle and end", () => {
  assert(globMatcher(["**"])("a/b/c"));
  const under = globMatcher([".github/workflows/**"]);
  assert(under(".github/workflows/ci.yml"));
  assert(under(".github/workflows/deep/x.yml"));
  assertFalse(under(".github/workflowsx/ci.yml"));
  assertFalse(under("x/.github/workflows/ci.yml"));
  const anywhere = globMatcher(["**/secrets.txt"]);
  assert(anywhere("secrets.txt"));
  assert(anywhere("a/b/secrets.txt"));
  assertFalse(anywhere("a/b/mysecrets.txt"));
  const middle = globMatcher(["src/**/gen.ts"]);
  assert(middle("src/gen.ts"));
  assert(middle("src/a/b/gen.ts"));
  assertFalse(middle("srcx/gen.ts"));
});

Deno.test("glob: regex characters are literal, ? is one character", () => {
  const match = globMatcher(["release-1.?", "a+b"]);
  assert(match("release-1.2"));
  assertFalse(match("release-1x2"));
  assertFalse(match("release-1.22"));
  assert(match("a+b"));
  assertFalse(match("aab"));
});

Deno.test("glob: an empty list matches nothing", () => {
  assertFalse(globMatcher([])("main"));
});

Deno.test("glob: branch patterns as push.branches takes them", () => {
  for (const ok of ["main", "agent/*", "fix/**", "**", "a.b-c_d/e"]) {
    assert.equal(branchGlobProblem(ok), null, ok);
  }
  for (
    const bad of ["", "a b", "a..b", "/a", "a/", "a//b", "a:b", "a?", "a[b]", "a~1", "a^", "a\\b"]
  ) {
    assert.match(branchGlobProblem(bad) ?? "", /not a branch pattern/, bad);
  }
  assert.match(branchGlobProblem("refs/heads/x") ?? "", /without refs\/heads/);
});
