import assert from "node:assert/strict";
import { JsonValueJoiner } from "./json_values.ts";
import { Rng } from "./testing/random.ts";

function joined(json: string, r: Rng): string {
  const joiner = new JsonValueJoiner();
  let out = "";
  let consumed = 0;
  for (let i = 0; i < json.length;) {
    const n = 1 + r.int(r.pick([1, 5, 30]));
    const chunk = joiner.push(json.slice(i, i + n));
    consumed += chunk.consumed;
    assert.ok(chunk.pending >= 0 && chunk.pending <= consumed);
    out += chunk.text;
    i += n;
  }
  return out + joiner.flush().text;
}

Deno.test("json values: adjacent token-like values join across keys, in any chunking", () => {
  const json = JSON.stringify({
    a: "AKIA1234",
    n: 5,
    b: "5678ABCD",
    list: ["EFGH", "IJKL"],
    prose: "a sentence with spaces",
    c: "after\\u0041",
    esc: 'q"uote',
  });
  const r = new Rng(9);
  for (let round = 0; round < 50; round++) {
    assert.equal(joined(json, r), "AKIA12345678ABCDEFGHIJKL\nafter\\u0041\n");
  }
});

Deno.test("json values: long values break the line and are not kept", () => {
  const json = JSON.stringify(["AAAA", "x".repeat(2000), "BBBB", { k: "CCCC" }]);
  assert.equal(joined(json, new Rng(1)), "AAAA\nBBBBCCCC\n");
});
