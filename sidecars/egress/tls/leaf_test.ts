import assert from "node:assert/strict";
import { generateCa } from "./ca.ts";
import { LeafMinter } from "./leaf.ts";
import { Lru } from "./lru.ts";
import { opensslText, opensslVerify } from "./test_openssl.ts";
import { testCa } from "./test_ca.ts";
import { x509 } from "./x509.ts";

const ca = await generateCa("leaf-test");
const caCert = new x509.X509Certificate(ca.certPem);

Deno.test("leaf: DNS SAN, serverAuth, 30 days backdated 1 h, verifies against the CA", async () => {
  const now = Date.UTC(2030, 0, 1);
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem, { now: () => now });
  const leaf = await minter.leafFor("api.example.com");
  const cert = new x509.X509Certificate(leaf.certPem);
  assert.equal(cert.notBefore.getTime(), now - 3600_000);
  assert.equal(cert.notAfter.getTime(), now + 30 * 86400_000);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  assert.deepEqual(san?.names.toJSON(), [{ type: "dns", value: "api.example.com" }]);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  assert.deepEqual([...(eku?.usages ?? [])], [x509.ExtendedKeyUsage.serverAuth]);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  assert.equal(basic?.ca, false);
  assert.equal(basic?.critical, true);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  assert.equal(usage?.usages, x509.KeyUsageFlags.digitalSignature);
  assert.equal(usage?.critical, true);
  assert.equal(cert.subject, "CN=api.example.com");
  assert.equal(cert.issuer, caCert.subject);
  assert.deepEqual(
    new Uint8Array(cert.issuerName.toArrayBuffer()),
    new Uint8Array(caCert.subjectName.toArrayBuffer()),
  );
  assert.match(cert.serialNumber, /^[0-7][0-9a-f]{31}$/);
  assert.equal(
    cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
    caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
  );
  assert.equal(
    await cert.verify({ publicKey: await caCert.publicKey.export(), signatureOnly: true }),
    true,
  );
  const at = Math.floor(now / 1000) + 60;
  await opensslVerify(ca.certPem, leaf.certPem, ["-attime", String(at), "-purpose", "sslserver"]);
  const text = await opensslText(leaf.certPem);
  assert.match(text, /DNS:api\.example\.com/);
  assert.match(text, /TLS Web Server Authentication/);
});

Deno.test("leaf: IP SANs for IPv4 and IPv6 hosts", async () => {
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem);
  const v4 = await minter.leafFor("127.0.0.1");
  assert.deepEqual(sanOf(v4.certPem), [{ type: "ip", value: "127.0.0.1" }]);
  assert.equal(new x509.X509Certificate(v4.certPem).subject, "CN=127.0.0.1");
  assert.match(await opensslText(v4.certPem), /IP Address:127\.0\.0\.1\n/);
  await opensslVerify(ca.certPem, v4.certPem, ["-verify_ip", "127.0.0.1", "-purpose", "sslserver"]);
  const v6 = await minter.leafFor("[::1]");
  assert.deepEqual(sanOf(v6.certPem), [{ type: "ip", value: "::1" }]);
  assert.match(await opensslText(v6.certPem), /IP Address:0:0:0:0:0:0:0:1/);
  await opensslVerify(ca.certPem, v6.certPem, ["-verify_ip", "::1"]);
  const mapped = await minter.leafFor("[2001:db8::ffff:1.2.3.4]");
  assert.match(await opensslText(mapped.certPem), /IP Address:2001:DB8:0:0:0:FFFF:102:304/);
  await opensslVerify(ca.certPem, mapped.certPem, ["-verify_ip", "2001:db8::ffff:102:304"]);
  await assert.rejects(
    opensslVerify(ca.certPem, v6.certPem, ["-verify_ip", "::2"]),
    /IP address mismatch/,
  );
});

Deno.test("leaf: DNS SAN checked by openssl's host matching", async () => {
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem);
  const leaf = await minter.leafFor("registry.npmjs.org");
  await opensslVerify(ca.certPem, leaf.certPem, ["-verify_hostname", "registry.npmjs.org"]);
  await assert.rejects(
    opensslVerify(ca.certPem, leaf.certPem, ["-verify_hostname", "evil.npmjs.org"]),
    /hostname mismatch/,
  );
  const long = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.example`;
  const longLeaf = await minter.leafFor(long);
  assert.deepEqual(sanOf(longLeaf.certPem), [{ type: "dns", value: long }]);
  await opensslVerify(ca.certPem, longLeaf.certPem, ["-verify_hostname", long]);
});

Deno.test("leaf: cached per host, concurrent requests share one mint, reminted when half-expired", async () => {
  let now = Date.now();
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem, { now: () => now, capacity: 2 });
  const [a, b] = await Promise.all([minter.leafFor("a.test"), minter.leafFor("a.test")]);
  assert.equal(a, b);
  assert.equal(await minter.leafFor("a.test"), a);
  now += 16 * 86400_000;
  const again = await minter.leafFor("a.test");
  assert.notEqual(again, a);
  assert.equal(again.keyPem, a.keyPem);
});

Deno.test("leaf: never outlives the CA", async () => {
  const caEnd = caCert.notAfter.getTime();
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem, { now: () => caEnd - 86400_000 });
  const leaf = await minter.leafFor("late.test");
  assert.equal(leaf.notAfter.getTime(), caEnd);
  assert.equal(new x509.X509Certificate(leaf.certPem).notAfter.getTime(), caEnd);
  await opensslVerify(ca.certPem, leaf.certPem, ["-attime", String(caEnd / 1000 - 60)]);
});

Deno.test("leaf: from a CA without SubjectKeyIdentifier, expiring after 2049 (GeneralizedTime)", async () => {
  const notAfter = new Date(Date.UTC(2055, 5, 1));
  const other = await testCa({ subjectKeyId: false, notAfter });
  const now = Date.UTC(2055, 4, 20, 10, 30);
  const minter = await LeafMinter.create(other.certPem, other.keyPem, { now: () => now });
  const leaf = await minter.leafFor("far.test");
  const cert = new x509.X509Certificate(leaf.certPem);
  assert.equal(cert.notAfter.getTime(), notAfter.getTime());
  assert.equal(cert.notBefore.getTime(), now - 3600_000);
  const expected = await x509.SubjectKeyIdentifierExtension.create(
    await new x509.X509Certificate(other.certPem).publicKey.export(),
  );
  assert.equal(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, expected.keyId);
  await opensslVerify(other.certPem, leaf.certPem, ["-attime", String(now / 1000)]);
  assert.match(await opensslText(leaf.certPem), /Not After : Jun {2}1 00:00:00 2055 GMT/);
});

Deno.test("leaf: a CA key that is not the certificate's is refused", async () => {
  const other = await generateCa("other");
  await assert.rejects(
    LeafMinter.create(ca.certPem, other.keyPem),
    /the CA key does not belong to the CA certificate/,
  );
  await assert.rejects(LeafMinter.create("not a cert", ca.keyPem), /no PEM block/);
});

Deno.test("leaf: minting time (reported)", async () => {
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem, { capacity: 10_000 });
  await minter.leafFor("warm.test");
  const count = 200;
  const started = performance.now();
  for (let i = 0; i < count; i++) await minter.leafFor(`h${i}.example.com`);
  const ms = (performance.now() - started) / count;
  console.log(`leaf minting: ${ms.toFixed(3)} ms per certificate (${count} hosts)`);
  const hitStart = performance.now();
  for (let i = 0; i < count; i++) await minter.leafFor(`h${i}.example.com`);
  console.log(`leaf cache hit: ${((performance.now() - hitStart) / count).toFixed(4)} ms`);
  assert.ok(ms < 50);
});

Deno.test("lru: evicts the least recently used", () => {
  const lru = new Lru<string, number>(2);
  lru.set("a", 1);
  lru.set("b", 2);
  assert.equal(lru.get("a"), 1);
  lru.set("c", 3);
  assert.equal(lru.get("b"), undefined);
  assert.equal(lru.get("a"), 1);
  assert.equal(lru.size, 2);
});

function sanOf(certPem: string): x509.JsonGeneralNames {
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  return san?.names.toJSON() ?? [];
}
