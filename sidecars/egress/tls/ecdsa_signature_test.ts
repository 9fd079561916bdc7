import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { p1363ToDer, signEcdsaSha256 } from "./ecdsa_signature.ts";
import { generateKeyPair, pemEncode } from "./keys.ts";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("ecdsa: r || s to Ecdsa-Sig-Value, minimal positive INTEGERs", () => {
  const r = new Uint8Array(32).fill(0x11);
  const s = new Uint8Array(32).fill(0x22);
  assert.equal(
    hex(p1363ToDer(Uint8Array.from([...r, ...s]))),
    `3044` + `0220${hex(r)}` + `0220${hex(s)}`,
  );
  const highR = new Uint8Array(32).fill(0x80);
  const smallS = new Uint8Array(32);
  smallS[30] = 0x01;
  smallS[31] = 0x02;
  assert.equal(
    hex(p1363ToDer(Uint8Array.from([...highR, ...smallS]))),
    `3027` + `022100${hex(highR)}` + `02020102`,
  );
  assert.throws(() => p1363ToDer(new Uint8Array(63)), RangeError);
  assert.throws(() => p1363ToDer(new Uint8Array(0)), RangeError);
});

Deno.test("ecdsa: signatures verify as DER (node:crypto; openssl checks them in leaf_test)", async () => {
  const keys = await generateKeyPair();
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const publicKey = createPublicKey(pemEncode("PUBLIC KEY", spki));
  for (let i = 0; i < 20; i++) {
    const data = crypto.getRandomValues(new Uint8Array(40 + i));
    const signature = await signEcdsaSha256(keys.privateKey, data);
    assert.ok(
      verify("sha256", data, { key: publicKey, dsaEncoding: "der" }, signature),
      `signature ${i} (${hex(signature)}) does not verify`,
    );
  }
});
