import assert from "node:assert/strict";
import { closest, didYouMean, editDistance } from "./suggest.ts";

Deno.test("edit distance counts transpositions as one edit", () => {
  assert.equal(editDistance("egress", "egress"), 0);
  assert.equal(editDistance("egres", "egress"), 1);
  assert.equal(editDistance("gti", "git"), 1);
  assert.equal(editDistance("", "abc"), 3);
});

Deno.test("closest suggests only plausible typos", () => {
  const keys = ["backend", "extends", "env", "egress", "git", "git_user", "supervise"];
  assert.equal(closest("egres", keys), "egress");
  assert.equal(closest("git-user", keys), "git_user");
  assert.equal(closest("Backend", keys), "backend");
  assert.equal(closest("network", keys), undefined);
  assert.equal(didYouMean("nope", keys), "");
  assert.equal(didYouMean("supervize", keys), "; did you mean `supervise`?");
});

Deno.test("a bounded edit distance stops above its bound", () => {
  assert.equal(editDistance("kitten", "sitting", 10), 3);
  assert.equal(editDistance("kitten", "sitting", 1), 2);
  assert.equal(editDistance("a".repeat(5000), "bwrap", 3), 4);
});

Deno.test("a long word gets no suggestion, at no cost in time or memory", () => {
  const word = "x".repeat(10_000_000);
  const started = performance.now();
  assert.equal(didYouMean(word, ["bwrap", "docker", "smolvm"]), "");
  assert.equal(closest(`bwrap${"x".repeat(60)}`, ["bwrap"]), undefined);
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});
