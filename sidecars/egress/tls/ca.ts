/**
 * The per-bottle certificate authority for TLS interception. The engine's CA resource
 * calls generateCa and writes `ca.crt` and `ca.key` (0600); the egress daemon signs leaf
 * certificates with it.
 *
 * Encoded with our own DER code (der.ts), as the leaves are: the X.509 library costs an
 * `apply` ~0.2 s of CPU to load (CommonJS, with its ASN.1 packages) for one certificate.
 * ca_test.ts reads the result back with that library and with openssl.
 */

import {
  bitString,
  boolean,
  type Der,
  explicit,
  namedBits,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from "./der.ts";
import { signEcdsaSha256 } from "./ecdsa_signature.ts";
import { generateKeyPair, pemEncode, privateKeyPem, randomSerial } from "./keys.ts";

export interface GeneratedCa {
  certPem: string;
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  keyPem: string;
}

const HOUR_MS = 60 * 60 * 1000;
const CA_VALIDITY_MS = 10 * 365 * 24 * HOUR_MS;

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  subjectKeyIdentifier: "2.5.29.14",
} as const;

const X509_V3 = 2;
/** KeyUsage bits (RFC 5280 4.2.1.3). */
const KEY_CERT_SIGN = 5;
const CRL_SIGN = 6;

export function caCommonName(bottle: string): string {
  return `bot-bottle CA for ${bottle}`;
}

/** ECDSA P-256, CA:TRUE with pathlen 0, keyCertSign + cRLSign, ~10 years. */
export async function generateCa(bottle: string): Promise<GeneratedCa> {
  const keys = await generateKeyPair();
  const now = Date.now();
  // Each attribute its own RDN, its value a UTF8String: literal, never parsed as DN text.
  const name = sequence(
    set(sequence(oid(OID.commonName), utf8String(caCommonName(bottle)))),
    set(sequence(oid(OID.organization), utf8String("bot-bottle"))),
  );
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const publicKeyBits = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey));
  // RFC 5280 4.2.1.2, method 1: the SHA-1 of the subjectPublicKey bits.
  const keyId = new Uint8Array(await crypto.subtle.digest("SHA-1", publicKeyBits));
  const signatureAlgorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, smallInteger(X509_V3)),
    unsignedInteger(randomSerial()),
    signatureAlgorithm,
    name,
    sequence(time(new Date(now - HOUR_MS)), time(new Date(now + CA_VALIDITY_MS))),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))),
        extension(OID.keyUsage, true, namedBits([KEY_CERT_SIGN, CRL_SIGN])),
        extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
      ),
    ),
  );
  const cert: Der = sequence(
    tbs,
    signatureAlgorithm,
    bitString(await signEcdsaSha256(keys.privateKey, tbs)),
  );
  return {
    certPem: pemEncode("CERTIFICATE", cert),
    keyPem: await privateKeyPem(keys.privateKey),
  };
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Der): Der {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}
