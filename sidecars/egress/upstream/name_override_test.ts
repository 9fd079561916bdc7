import assert from "node:assert/strict";
import { parseTestResolve } from "./name_override.ts";

Deno.test("parseTestResolve: off when absent", () => {
  assert.equal(parseTestResolve(undefined).map.size, 0);
  assert.equal(parseTestResolve("").map.size, 0);
});

Deno.test("parseTestResolve: only loopback targets are honoured", () => {
  const { map, warnings } = parseTestResolve(JSON.stringify({
    "Allowed.Test": "127.0.0.1",
    "v6.test": "::1",
    "b6.test": "[::1]",
    "lo2.test": "127.0.0.2",
    "lan.test": "10.0.0.1",
    "meta.test": "169.254.169.254",
    "pub.test": "1.1.1.1",
    "name.test": "localhost",
    "bad host": "127.0.0.1",
    "num.test": 5,
  }));
  assert.deepEqual([...map.entries()], [
    ["allowed.test", "127.0.0.1"],
    ["v6.test", "::1"],
    ["b6.test", "::1"],
    ["lo2.test", "127.0.0.2"],
  ]);
  assert.equal(warnings.length, 6);
});

Deno.test("parseTestResolve: malformed JSON is ignored with a warning", () => {
  for (const bad of ["{", "[]", "3", "null"]) {
    const { map, warnings } = parseTestResolve(bad);
    assert.equal(map.size, 0);
    assert.equal(warnings.length, 1);
  }
});
