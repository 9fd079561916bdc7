/**
 * ECDSA signatures in the form X.509 carries them. WebCrypto signs to IEEE P1363 (`r || s`,
 * each the curve's size); certificates hold a DER `Ecdsa-Sig-Value ::= SEQUENCE { r
 * INTEGER, s INTEGER }` (RFC 5480/3279).
 */

import { type Der, sequence, unsignedInteger } from "./der.ts";

/** `r || s` (two equal halves) as a DER Ecdsa-Sig-Value. */
export function p1363ToDer(signature: Uint8Array): Der {
  if (signature.length === 0 || signature.length % 2 !== 0) {
    throw new RangeError(`an ECDSA signature has two equal halves, not ${signature.length} bytes`);
  }
  const half = signature.length / 2;
  return sequence(
    unsignedInteger(signature.subarray(0, half)),
    unsignedInteger(signature.subarray(half)),
  );
}

/** ecdsa-with-SHA256 over `data`, DER-encoded. */
export async function signEcdsaSha256(key: CryptoKey, data: Der): Promise<Der> {
  const raw = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, data);
  return p1363ToDer(new Uint8Array(raw));
}
