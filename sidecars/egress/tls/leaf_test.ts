import assert from "node:assert/strict";
import { generateCa } from "./ca.ts";
import { LeafMinter } from "./leaf.ts";
import { Lru } from "./lru.ts";
import { opensslText, opensslVerify } from "./test_openssl.ts";
import { x509 } from "./x509.ts";

const ca = await generateCa("leaf-test");

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
  assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  assert.equal(
    await cert.verify({
      publicKey: await minter.caCertificate.publicKey.export(),
      signatureOnly: true,
    }),
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
  const v4 = new x509.X509Certificate((await minter.leafFor("127.0.0.1")).certPem);
  assert.deepEqual(v4.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(), [
    { type: "ip", value: "127.0.0.1" },
  ]);
  const v6 = await minter.leafFor("[::1]");
  assert.match(await opensslText(v6.certPem), /IP Address:0:0:0:0:0:0:0:1/);
  await opensslVerify(ca.certPem, v6.certPem, ["-verify_ip", "::1"]);
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
  const minter = await LeafMinter.create(ca.certPem, ca.keyPem, {
    now: () => minter_ca_end() - 86400_000,
  });
  const leaf = await minter.leafFor("late.test");
  assert.equal(leaf.notAfter.getTime(), minter_ca_end());
});

function minter_ca_end(): number {
  return new x509.X509Certificate(ca.certPem).notAfter.getTime();
}

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
