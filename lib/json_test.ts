import assert from "node:assert/strict";
import { jsonNesting } from "./json.ts";

Deno.test("jsonNesting counts brackets outside strings, and stops past the limit", () => {
  assert.equal(jsonNesting('{"a": [1, {"b": "[[[{{"}]}'), 3);
  assert.equal(jsonNesting('"\\"[[[["'), 0);
  assert.equal(jsonNesting("[]"), 1);
  const deep = "[".repeat(3_000_000) + "]".repeat(3_000_000);
  assert.equal(jsonNesting(deep, 256), 257);
  assert.equal(jsonNesting(deep), 3_000_000);
});
