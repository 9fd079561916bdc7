import { assertEquals } from "../tests/assert.ts";
import { diffInputs } from "./diff.ts";

Deno.test("diff: equal inputs are a noop regardless of key order", () => {
  const result = diffInputs({ a: 1, b: { x: 1, y: 2 } }, { b: { y: 2, x: 1 }, a: 1 }, ["a"], true);
  assertEquals(result, { action: "noop", changed: [], forcesReplacement: [] });
});

Deno.test("diff: a changed updatable key is an update", () => {
  const result = diffInputs({ a: 1, b: 2 }, { a: 1, b: 3 }, ["a"], true);
  assertEquals(result, { action: "update", changed: ["b"], forcesReplacement: [] });
});

Deno.test("diff: a changed replace key forces replacement and is named", () => {
  const result = diffInputs({ a: 2, b: 2 }, { a: 1, b: 3 }, ["a"], true);
  assertEquals(result, { action: "replace", changed: ["a", "b"], forcesReplacement: ["a"] });
});

Deno.test("diff: without update every change replaces; added and removed keys count", () => {
  const result = diffInputs({ a: 1, c: 1 }, { a: 1, b: 1 }, [], false);
  assertEquals(result, { action: "replace", changed: ["b", "c"], forcesReplacement: ["b", "c"] });
});
