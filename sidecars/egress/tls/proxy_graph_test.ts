import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

/**
 * The proxy mints leaves with its own DER code: the X.509 library (with reflect-metadata
 * and the asn1 packages it pulls in, ~11 MB RSS per proxy) is for the engine's CA
 * generator and for tests only. `deno info` lists static and literal dynamic imports alike.
 */
Deno.test("proxy module graph: no @peculiar/x509, reflect-metadata or tls/x509.ts", async () => {
  const entry = fileURLToPath(new URL("../main.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", "--node-modules-dir=manual", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  const specifiers = graph.modules.map((module) => module.specifier);
  assert.ok(
    specifiers.some((specifier) => specifier.endsWith("/egress/tls/leaf.ts")),
    "the graph should include the leaf minter (else this test checks nothing)",
  );
  const banned = specifiers.filter((specifier) =>
    /@peculiar|reflect-metadata|asn1|\/tls\/(x509|names|ca)\.ts$/.test(specifier)
  );
  assert.deepEqual(banned, []);
});
