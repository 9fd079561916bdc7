import assert from "node:assert/strict";
import { generateCa } from "./ca.ts";
import { parseCaCertificate } from "./ca_cert.ts";
import { pemEncode } from "./keys.ts";
import { testCa } from "./test_ca.ts";
import { x509 } from "./x509.ts";

Deno.test("ca cert: subject, validity, SPKI and SubjectKeyIdentifier as @peculiar reads them", async () => {
  const ca = await generateCa('parse, "me"');
  const parsed = await parseCaCertificate(ca.certPem);
  const cert = new x509.X509Certificate(ca.certPem);
  assert.deepEqual(parsed.subject, new Uint8Array(cert.subjectName.toArrayBuffer()));
  assert.equal(parsed.notBefore.getTime(), cert.notBefore.getTime());
  assert.equal(parsed.notAfter.getTime(), cert.notAfter.getTime());
  assert.deepEqual(parsed.spki, new Uint8Array(cert.publicKey.rawData));
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  assert.equal(toHex(parsed.keyIdentifier), ski?.keyId);
});

Deno.test("ca cert: without a SubjectKeyIdentifier, the SHA-1 of the key bits (RFC 5280 method 1)", async () => {
  const ca = await testCa({ subjectKeyId: false });
  const parsed = await parseCaCertificate(ca.certPem);
  const cert = new x509.X509Certificate(ca.certPem);
  assert.equal(cert.getExtension(x509.SubjectKeyIdentifierExtension), null);
  const expected = await x509.SubjectKeyIdentifierExtension.create(
    await cert.publicKey.export(),
  );
  assert.equal(toHex(parsed.keyIdentifier), expected.keyId);
  assert.equal(parsed.keyIdentifier.length, 20);
});

Deno.test("ca cert: GeneralizedTime expiry (2050 and later)", async () => {
  const notAfter = new Date(Date.UTC(2061, 2, 4, 5, 6, 7));
  const parsed = await parseCaCertificate((await testCa({ notAfter })).certPem);
  assert.equal(parsed.notAfter.getTime(), notAfter.getTime());
});

Deno.test("ca cert: malformed input is refused, saying so", async () => {
  await assert.rejects(parseCaCertificate("no pem here"), /no PEM block "CERTIFICATE"/);
  const garbage = pemEncode("CERTIFICATE", Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01));
  await assert.rejects(
    parseCaCertificate(garbage),
    /CA certificate is malformed: a Certificate has three parts/,
  );
  const truncated = pemEncode("CERTIFICATE", Uint8Array.of(0x30, 0x82, 0x01));
  await assert.rejects(parseCaCertificate(truncated), /CA certificate is malformed/);
});

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
