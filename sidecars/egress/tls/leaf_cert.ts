/**
 * The DER of one leaf certificate (RFC 5280): v3, subject CN = the host, issued and signed
 * (ecdsa-with-SHA256) by the bottle CA, with the extensions a TLS client checks — CA:FALSE,
 * digitalSignature, serverAuth, the host as its only subjectAltName — and the CA's key
 * identifier so chain building finds the issuer.
 */

import {
  bitString,
  boolean,
  type Der,
  explicit,
  ia5Bytes,
  implicit,
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
import { parseIp } from "../../../lib/net/mod.ts";

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  authorityKeyIdentifier: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

const X509_V3 = 2;
const KEY_USAGE_DIGITAL_SIGNATURE = 0;
const GENERAL_NAME_DNS = 2;
const GENERAL_NAME_IP = 7;

export interface LeafFields {
  /** Positive serial number, big-endian. */
  serial: Uint8Array;
  /** Canonical host: lower case, IPv6 in brackets. */
  host: string;
  /** The CA's subject Name DER, copied as the leaf's issuer. */
  issuer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER of the leaf's key. */
  spki: Uint8Array;
  /** The CA's key identifier (AuthorityKeyIdentifier.keyIdentifier). */
  authorityKeyId: Uint8Array;
}

/** The signed certificate, DER. `caKey` is the CA's ECDSA private key. */
export async function leafCertificateDer(fields: LeafFields, caKey: CryptoKey): Promise<Der> {
  const signatureAlgorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, smallInteger(X509_V3)),
    unsignedInteger(fields.serial),
    signatureAlgorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    commonNameOnly(bareHost(fields.host)),
    fields.spki,
    explicit(3, sequence(...leafExtensions(fields))),
  );
  return sequence(tbs, signatureAlgorithm, bitString(await signEcdsaSha256(caKey, tbs)));
}

function leafExtensions(fields: LeafFields): Der[] {
  return [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE_DIGITAL_SIGNATURE])),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(subjectAltName(fields.host))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, fields.authorityKeyId))),
  ];
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Der): Der {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

function commonNameOnly(value: string): Der {
  return sequence(set(sequence(oid(OID.commonName), utf8String(value))));
}

/** `iPAddress` (4 or 16 octets) for an IP literal, else `dNSName`. */
export function subjectAltName(host: string): Der {
  const ip = parseIp(host);
  return ip === null
    ? implicit(GENERAL_NAME_DNS, ia5Bytes(bareHost(host)))
    : implicit(GENERAL_NAME_IP, ip.bytes);
}

function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}
