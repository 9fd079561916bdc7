import assert from "node:assert/strict";
import { caCommonName, generateCa } from "./ca.ts";
import { REFLECT_METADATA_SPECIFIER, x509, X509_SPECIFIER } from "./x509.ts";
import { opensslText } from "./test_openssl.ts";

Deno.test("generateCa: ECDSA P-256 CA, pathlen 0, keyCertSign + cRLSign, ~10 years", async () => {
  const ca = await generateCa('dev, with "odd" name');
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  const cert = new x509.X509Certificate(ca.certPem);
  assert.equal(cert.subjectName.getField("CN")[0], caCommonName('dev, with "odd" name'));
  assert.equal(cert.subject, cert.issuer);
  assert.equal(await cert.isSelfSigned(), true);
  const years = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (365 * 86400_000);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  assert.equal(basic?.ca, true);
  assert.equal(basic?.pathLength, 0);
  assert.equal(basic?.critical, true);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  assert.equal((cert.publicKey.algorithm as EcKeyAlgorithm).namedCurve, "P-256");

  const text = await opensslText(ca.certPem);
  assert.match(text, /CA:TRUE, pathlen:0/);
  assert.match(text, /Certificate Sign, CRL Sign/);
  assert.match(text, /prime256v1/);
});

Deno.test("generateCa: random serials, distinct keys", async () => {
  const [a, b] = await Promise.all([generateCa("x"), generateCa("x")]);
  const ca = new x509.X509Certificate(a.certPem);
  const cb = new x509.X509Certificate(b.certPem);
  assert.notEqual(ca.serialNumber, cb.serialNumber);
  assert.ok(ca.serialNumber.length >= 30);
  assert.notEqual(a.keyPem, b.keyPem);
});

Deno.test("x509: the specifiers match the pins in deno.json", () => {
  const config = JSON.parse(
    Deno.readTextFileSync(new URL("../../../deno.json", import.meta.url)),
  ) as { imports: Record<string, string> };
  assert.equal(config.imports["@peculiar/x509"], X509_SPECIFIER);
  assert.equal(config.imports["reflect-metadata"], REFLECT_METADATA_SPECIFIER);
});
