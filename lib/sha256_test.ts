import { assertEquals } from "../tests/assert.ts";
import { sha256Hex } from "./sha256.ts";

Deno.test("sha256: known digests of text (as UTF-8) and bytes", async () => {
  assertEquals(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assertEquals(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  const text = "é 😀\u0000";
  const bytes = new TextEncoder().encode(text);
  assertEquals(sha256Hex(bytes), sha256Hex(text));
  const webCrypto = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  assertEquals(
    sha256Hex(bytes),
    [...webCrypto].map((b) => b.toString(16).padStart(2, "0")).join(""),
  );
});
