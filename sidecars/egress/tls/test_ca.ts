/**
 * Test helper: CAs that generateCa never makes (no SubjectKeyIdentifier, an expiry past
 * 2049), built with @peculiar/x509, to test that the CA reader and leaf minter cope.
 */

import { EC_SIGNING, generateKeyPair, privateKeyPem, randomSerialHex } from "./keys.ts";
import { literalName } from "./names.ts";
import { x509 } from "./x509.ts";
import type { GeneratedCa } from "./ca.ts";

export interface TestCaOptions {
  /** Include a SubjectKeyIdentifier extension (default true). */
  subjectKeyId?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

export async function testCa(options: TestCaOptions = {}): Promise<GeneratedCa> {
  const keys = await generateKeyPair();
  const name = literalName([["CN", "test CA"], ["O", "bot-bottle tests"]]);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
  ];
  if (options.subjectKeyId ?? true) {
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: name,
    issuer: name,
    notBefore: options.notBefore ?? new Date(Date.now() - 3600_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * 86400_000),
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: EC_SIGNING,
    extensions,
  });
  return { certPem: cert.toString("pem") + "\n", keyPem: await privateKeyPem(keys.privateKey) };
}
