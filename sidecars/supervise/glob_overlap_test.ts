import assert from "node:assert/strict";
import { globToRegExp } from "../gitgate/glob.ts";
import { sharedName, uncoveredName } from "./glob_overlap.ts";

Deno.test("glob overlap: requests that reach a protected branch, with the branch", () => {
  assert.equal(sharedName("*", ["main"]), "main");
  assert.equal(sharedName("**", ["main", "release/**"]), "main");
  assert.equal(sharedName("ma*", ["main"]), "main");
  assert.equal(sharedName("main", ["main"]), "main");
  assert.equal(sharedName("release/*", ["release/**"]), "release/");
  assert.equal(sharedName("release/**", ["release/**"]), "release");
  assert.equal(sharedName("*/v1", ["release/*"]), "release/v1");
  assert.equal(sharedName("feature/*", ["main", "release/**"]), null);
  assert.equal(sharedName("feature/**", ["**/main"]), "feature/main");
  assert.equal(sharedName("*", ["release/**"]), "release");
  assert.equal(sharedName("?", ["main"]), null);
  assert.equal(sharedName("x", []), null);
});

Deno.test("glob overlap: requests already covered by allowed globs", () => {
  assert.equal(uncoveredName("feature/x", ["**"]), null);
  assert.equal(uncoveredName("feature/*", ["feature/**"]), null);
  assert.equal(uncoveredName("feature/**", ["feature/*"]), "feature");
  assert.equal(uncoveredName("agent/fix-*", ["agent/**"]), null);
  assert.equal(uncoveredName("a/*", ["a/x*", "a/y*"]), "a/");
  assert.equal(uncoveredName("*", []), "");
  assert.equal(uncoveredName("a*", ["a", "a?*"]), null);
});

const ALPHABET = ["a", "b", "/", "*", "?", "**"];
const NAME_CHARS = ["a", "b", "/", "x"];

function allStrings(parts: string[], length: number): string[] {
  let out = [""];
  const all = [""];
  for (let i = 0; i < length; i++) {
    out = out.flatMap((prefix) => parts.map((part) => prefix + part));
    all.push(...out);
  }
  return all;
}

Deno.test("glob overlap: agrees with the gate's own matcher on every small case", () => {
  const globs = [...new Set(allStrings(ALPHABET, 3))].filter((glob) => glob !== "");
  const names = allStrings(NAME_CHARS, 5);
  const matches = new Map(
    globs.map((glob) => {
      const pattern = globToRegExp(glob);
      return [glob, new Set(names.filter((name) => pattern.test(name)))];
    }),
  );
  for (const a of globs) {
    for (const b of globs) {
      const inA = matches.get(a) as Set<string>;
      const inB = matches.get(b) as Set<string>;
      const shared = sharedName(a, [b]);
      if (shared === null) {
        assert.ok(![...inA].some((name) => inB.has(name)), `${a} and ${b} share a name`);
      } else {
        assert.ok(
          globToRegExp(a).test(shared) && globToRegExp(b).test(shared),
          `${a} ∩ ${b}: ${shared}`,
        );
      }
      const uncovered = uncoveredName(a, [b]);
      if (uncovered === null) {
        assert.ok([...inA].every((name) => inB.has(name)), `${a} ⊄ ${b}`);
      } else {
        assert.ok(
          globToRegExp(a).test(uncovered) && !globToRegExp(b).test(uncovered),
          `${a} \\ ${b}: ${uncovered}`,
        );
      }
    }
  }
});
