/**
 * What the leaf minter needs from the bottle CA's certificate, read straight from its DER:
 * the subject Name (raw bytes, copied into each leaf as its issuer), the expiry (no leaf
 * outlives it), the public key and the key identifier leaves name it by.
 */

import { type Der, TAG } from "./der.ts";
import {
  children,
  DerError,
  expectTag,
  readOid,
  readOnly,
  readTime,
  type Tlv,
} from "./der_reader.ts";
import { pemDecode } from "./keys.ts";

const SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
const EXTENSIONS_TAG = 0xa3;
const VERSION_TAG = 0xa0;

export interface CaCertificate {
  /** The subject Name, as encoded in the certificate. */
  subject: Der;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER (importable with `crypto.subtle.importKey("spki", …)`). */
  spki: Der;
  /**
   * Its SubjectKeyIdentifier when it has one, else the SHA-1 of the subjectPublicKey bits
   * (RFC 5280 4.2.1.2, method 1): what a leaf's AuthorityKeyIdentifier carries.
   */
  keyIdentifier: Der;
}

/** Parses the first `CERTIFICATE` PEM block of `pem`; throws on anything malformed. */
export async function parseCaCertificate(pem: string): Promise<CaCertificate> {
  const der = pemDecode(pem, "CERTIFICATE");
  try {
    return await parseDer(der);
  } catch (error) {
    if (error instanceof DerError) {
      throw new Error(`the CA certificate is malformed: ${error.message}`);
    }
    throw error;
  }
}

async function parseDer(der: Uint8Array): Promise<CaCertificate> {
  const certificate = children(expectTag(readOnly(der), TAG.SEQUENCE, "Certificate"));
  if (certificate.length !== 3) throw new DerError("a Certificate has three parts");
  const tbs = children(expectTag(certificate[0], TAG.SEQUENCE, "TBSCertificate"));
  const fields = tbs[0]?.tag === VERSION_TAG ? tbs.slice(1) : tbs;
  if (fields.length < 6) throw new DerError("TBSCertificate is missing fields");
  const [, , , validityTlv, subjectTlv, spkiTlv] = fields;
  const validity = children(expectTag(validityTlv, TAG.SEQUENCE, "Validity"));
  if (validity.length !== 2) throw new DerError("Validity has two times");
  expectTag(subjectTlv, TAG.SEQUENCE, "subject");
  const spki = children(expectTag(spkiTlv, TAG.SEQUENCE, "SubjectPublicKeyInfo"));
  if (spki.length !== 2) throw new DerError("SubjectPublicKeyInfo has two parts");
  const publicKey = expectTag(spki[1], TAG.BIT_STRING, "subjectPublicKey");
  if (publicKey.content[0] !== 0) throw new DerError("subjectPublicKey has unused bits");
  const extensions = fields.slice(6).find((field) => field.tag === EXTENSIONS_TAG);
  const keyIdentifier = subjectKeyIdentifier(extensions) ??
    new Uint8Array(await crypto.subtle.digest("SHA-1", publicKey.content.slice(1)));
  return {
    subject: subjectTlv.der.slice(),
    notBefore: readTime(validity[0]),
    notAfter: readTime(validity[1]),
    spki: spkiTlv.der.slice(),
    keyIdentifier,
  };
}

/** The keyIdentifier of the SubjectKeyIdentifier extension in `[3] Extensions`, if any. */
function subjectKeyIdentifier(wrapper: Tlv | undefined): Der | null {
  if (wrapper === undefined) return null;
  const list = readOnly(wrapper.content);
  for (const extension of children(expectTag(list, TAG.SEQUENCE, "Extensions"))) {
    const parts = children(expectTag(extension, TAG.SEQUENCE, "Extension"));
    if (parts.length < 2) throw new DerError("an Extension has an OID and a value");
    if (readOid(parts[0]) !== SUBJECT_KEY_IDENTIFIER) continue;
    const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, "extnValue");
    return expectTag(readOnly(value.content), TAG.OCTET_STRING, "KeyIdentifier").content.slice();
  }
  return null;
}
