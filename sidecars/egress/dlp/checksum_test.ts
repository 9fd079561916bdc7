import assert from "node:assert/strict";
import {
  base62,
  bech32Checksum,
  crc32,
  decodeBase64,
  validBase62Crc,
  validBech32,
} from "./checksum.ts";

Deno.test("crc32 and base62 checksums", () => {
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(base62(0, 6), "000000");
  assert.equal(base62(61, 2), "0z");
  assert.equal(base62(62, 1), "10");
  const body = "0123456789abcdefghijABCDEFGHIJ";
  const token = "ghp_" + body + base62(crc32(body), 6);
  assert.ok(validBase62Crc(token, 4));
  assert.ok(!validBase62Crc(token.replace("a", "b"), 4));
});

Deno.test("bech32: BIP-173 vectors and generated checksums", () => {
  assert.ok(validBech32("A12UEL5L"));
  assert.ok(validBech32("a12uel5l"));
  assert.ok(validBech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"));
  assert.ok(!validBech32("A12uEL5L"));
  assert.ok(!validBech32("a12uel5m"));
  const data = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  assert.ok(validBech32(`hrp1${data}${bech32Checksum("hrp", data)}`));
});

Deno.test("decodeBase64: standard, url-safe, unpadded, invalid", () => {
  assert.equal(decodeBase64("aGk="), "hi");
  assert.equal(decodeBase64("aGk"), "hi");
  assert.equal(decodeBase64("-_8"), "\xfb\xff");
  assert.equal(decodeBase64("a"), null);
  assert.equal(decodeBase64("a$b="), null);
});
