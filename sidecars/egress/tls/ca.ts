/**
 * The per-bottle certificate authority for TLS interception. The engine's CA resource
 * calls generateCa and writes `ca.crt` and `ca.key` (0600); the egress daemon signs leaf
 * certificates with it.
 */

import { EC_SIGNING, generateKeyPair, privateKeyPem, randomSerialHex } from "./keys.ts";
import { literalName } from "./names.ts";
import { x509 } from "./x509.ts";

export interface GeneratedCa {
  certPem: string;
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  keyPem: string;
}

const HOUR_MS = 60 * 60 * 1000;
const CA_VALIDITY_MS = 10 * 365 * 24 * HOUR_MS;

export function caCommonName(bottle: string): string {
  return `bot-bottle CA for ${bottle}`;
}

/** ECDSA P-256, CA:TRUE with pathlen 0, keyCertSign + cRLSign, ~10 years. */
export async function generateCa(bottle: string): Promise<GeneratedCa> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const name = literalName([["CN", caCommonName(bottle)], ["O", "bot-bottle"]]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: name,
    issuer: name,
    notBefore: new Date(now - HOUR_MS),
    notAfter: new Date(now + CA_VALIDITY_MS),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: await privateKeyPem(keys.privateKey) };
}
