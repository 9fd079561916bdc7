import assert from "node:assert/strict";
import { sha256Hex } from "./sha256.ts";
import { sha256HexLight } from "./sha256_light.ts";

Deno.test("sha256HexLight: the same digests as node:crypto, across block boundaries", () => {
  assert.equal(
    sha256HexLight(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  for (const length of [1, 55, 56, 63, 64, 65, 119, 120, 200, 1000]) {
    const text = Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join(
      "",
    );
    assert.equal(sha256HexLight(text), sha256Hex(text), `length ${length}`);
  }
  assert.equal(sha256HexLight("bottle\0/päth\u{1F600}"), sha256Hex("bottle\0/päth\u{1F600}"));
});
