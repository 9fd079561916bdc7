import assert from "node:assert/strict";
import { compilePolicy, decide, PolicyError } from "./decide.ts";
import type { EgressPolicy } from "./wire.ts";

const NOW = Date.parse("2026-12-06T12:00:00Z");

function policy(allow: string[], deny: string[] = []): EgressPolicy {
  return { version: 1, bottle: "dev", allow, deny, routes: [] };
}

Deno.test("decide: default deny names the host and the fix", () => {
  const d = decide(compilePolicy(policy(["a.com"])), "x.com", 443, NOW);
  assert.equal(d.verdict, "deny");
  assert.equal(d.rule, null);
  assert.equal(
    d.reason,
    'host "x.com" is not in this bottle\'s egress allowlist (add it under egress.allow in bottles/dev.md)',
  );
});

Deno.test("decide: allow by exact and subdomain rules", () => {
  const p = compilePolicy(policy(["api.github.com", "*.npmjs.org"]));
  assert.deepEqual(decide(p, "API.GitHub.com.", 443, NOW), {
    verdict: "allow",
    rule: "api.github.com",
    reason: 'allowed by egress.allow rule "api.github.com"',
    ipLiteralRule: false,
  });
  assert.equal(decide(p, "registry.npmjs.org", 443, NOW).rule, "*.npmjs.org");
  assert.equal(decide(p, "npmjs.org", 443, NOW).verdict, "deny");
  assert.match(decide(p, "npmjs.org", 443, NOW).reason, /matches subdomains only/);
  assert.equal(decide(p, "evilnpmjs.org", 443, NOW).verdict, "deny");
});

Deno.test("decide: deny is checked before allow", () => {
  const p = compilePolicy(policy(["*.x.com", "a.x.com"], ["bad.x.com", "*.internal.x.com"]));
  assert.equal(decide(p, "a.x.com", 443, NOW).verdict, "allow");
  const bad = decide(p, "bad.x.com", 443, NOW);
  assert.equal(bad.verdict, "deny");
  assert.equal(bad.rule, "bad.x.com");
  assert.match(bad.reason, /denied by egress\.deny rule "bad\.x\.com".*bottles\/dev\.md/);
  assert.equal(decide(p, "db.internal.x.com", 443, NOW).rule, "*.internal.x.com");
  const all = compilePolicy(policy(["a.com"], ["*"]));
  assert.equal(decide(all, "a.com", 443, NOW).verdict, "deny");
});

Deno.test("decide: an exact rule is reported over a wildcard one", () => {
  const p = compilePolicy(policy(["*.x.com", "a.x.com"]));
  assert.equal(decide(p, "a.x.com", 443, NOW).rule, "a.x.com");
});

Deno.test("decide: ports", () => {
  const p = compilePolicy(policy(["x.com:443"], ["y.com:22"]));
  assert.equal(decide(p, "x.com", 443, NOW).verdict, "allow");
  const other = decide(p, "x.com", 80, NOW);
  assert.equal(other.verdict, "deny");
  assert.match(other.reason, /allows port 443 only.*"x\.com:80"/);
  const q = compilePolicy(policy(["y.com"], ["y.com:22"]));
  assert.equal(decide(q, "y.com", 22, NOW).verdict, "deny");
  assert.equal(decide(q, "y.com", 443, NOW).verdict, "allow");
  assert.equal(decide(q, "y.com", 0, NOW).verdict, "deny");
  assert.equal(decide(q, "y.com", 70000, NOW).verdict, "deny");
});

Deno.test("decide: IP spellings are canonicalised before matching", () => {
  const p = compilePolicy(policy(["10.0.0.5"], ["127.0.0.1"]));
  for (const form of ["2130706433", "0x7f.1", "127.1", "0177.0.0.1"]) {
    assert.equal(decide(p, form, 80, NOW).verdict, "deny", form);
    assert.equal(decide(p, form, 80, NOW).rule, "127.0.0.1", form);
  }
  const ip = decide(p, "0xa000005", 80, NOW);
  assert.equal(ip.verdict, "allow");
  assert.equal(ip.ipLiteralRule, true);
});

Deno.test("decide: an invalid host is denied", () => {
  const p = compilePolicy(policy(["x.com"]));
  const d = decide(p, "x.com/../", 443, NOW);
  assert.equal(d.verdict, "deny");
  assert.match(d.reason, /not a valid host/);
});

Deno.test("decide: IDN hosts match their punycode rule", () => {
  const p = compilePolicy(policy(["bücher.de"]));
  assert.equal(decide(p, "xn--bcher-kva.de", 443, NOW).verdict, "allow");
  assert.equal(decide(p, "BÜCHER.de", 443, NOW).verdict, "allow");
});

Deno.test("compilePolicy: reports every problem at once", () => {
  const bad = {
    version: 2,
    bottle: "",
    allow: ["*", "ok.com", 3],
    deny: "x",
    routes: [{ host: "not a host" }],
  } as unknown as EgressPolicy;
  assert.throws(() => compilePolicy(bad), (error: unknown) => {
    assert.ok(error instanceof PolicyError);
    assert.match(error.message, /version must be 1/);
    assert.match(error.message, /bottle must be/);
    assert.match(error.message, /allow\[0\]: a bare "\*" is only valid in deny/);
    assert.match(error.message, /allow\[2\] must be a string/);
    assert.match(error.message, /deny must be an array/);
    assert.match(error.message, /routes\[0\]\.host/);
    return true;
  });
  assert.throws(() => compilePolicy(null as unknown as EgressPolicy), PolicyError);
  assert.throws(() => compilePolicy([] as unknown as EgressPolicy), PolicyError);
});

Deno.test("compilePolicy: compiles routes", () => {
  const routes = [
    { host: "API.x.com", passthrough: false, path_prefix: "/v1" },
    { host: "gw.x.com", passthrough: false, upstream: "https://10.0.0.5:8443" },
    { host: "raw.x.com", passthrough: true },
  ];
  const compiled = compilePolicy({ ...policy(["api.x.com"]), routes });
  assert.deepEqual(compiled.routes[0], {
    host: "api.x.com",
    pathPrefix: "/v1",
    passthrough: false,
    upstream: null,
    upstreamCaFile: null,
    upstreamCaPem: null,
    id: "api.x.com/v1",
  });
  assert.deepEqual(compiled.routes[1].upstream, {
    scheme: "https",
    host: "10.0.0.5",
    port: 8443,
  });
  assert.equal(compiled.routes[2].passthrough, true);
  assert.equal(compiled.bottle, "dev");
  assert.equal(compiled.dlp.maxBodyBytes, 64 * 1024 * 1024);
});

Deno.test("compilePolicy: rejects bad routes and dlp settings", () => {
  const bad = {
    ...policy(["a.com"]),
    routes: [
      { host: "a.com", passthrough: false, path_prefix: "v1" },
      { host: "a.com", passthrough: false, upstream: "https://gw/path" },
      { host: "a.com", passthrough: "yes" },
    ],
    dlp: { max_body_bytes: -1, rules: { "aws-key": { action: "ignore" } } },
  } as unknown as EgressPolicy;
  assert.throws(
    () => compilePolicy(bad),
    (error: Error) =>
      error instanceof PolicyError && /routes\[0\]\.path_prefix/.test(error.message) &&
      /routes\[1\]\.upstream/.test(error.message) &&
      /routes\[2\]\.passthrough/.test(error.message) &&
      /dlp\.max_body_bytes/.test(error.message) && /"aws-key"\]\.action/.test(error.message),
  );
});

Deno.test("compilePolicy: dlp settings", () => {
  const compiled = compilePolicy({
    ...policy(["a.com"]),
    dlp: {
      max_body_bytes: 1024,
      rules: { "aws-key": { action: "warn", exempt_hosts: ["*.aws.com"] } },
    },
  });
  assert.deepEqual(compiled.dlp, {
    maxBodyBytes: 1024,
    rules: { "aws-key": { action: "warn", exemptHosts: ["*.aws.com"] } },
  });
});
