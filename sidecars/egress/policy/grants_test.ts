import assert from "node:assert/strict";
import { compilePolicy, decide, PolicyError } from "./decide.ts";
import type { EgressPolicy, PolicyGrant } from "./wire.ts";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const LATER = "2026-12-06T13:00:00Z";
const EARLIER = "2026-12-06T11:00:00Z";

function policy(
  grants: PolicyGrant[],
  allow: string[] = [],
  deny: string[] = [],
  supervise = false,
): EgressPolicy {
  return { version: 1, bottle: "dev", allow, deny, routes: [], grants, supervise };
}

Deno.test("grants: a live grant allows its host, and the verdict names the request", () => {
  const p = compilePolicy(policy([{ host: "API.Example.com.", request: 3, expires_at: LATER }]));
  const d = decide(p, "api.example.com", 443, NOW);
  assert.equal(d.verdict, "allow");
  assert.equal(d.rule, "grant:request 3");
  assert.match(
    d.reason,
    /allowed by supervise grant \(request 3\) until 2026-12-06T13:00:00\.000Z/,
  );
  assert.deepEqual(d.grant, { request: 3, pathPrefix: "", expiresAt: Date.parse(LATER) });
  assert.equal(d.ipLiteralRule, false);
  // Without a port the grant covers every port, as an allow rule without `:PORT` does.
  assert.equal(decide(p, "api.example.com", 8443, NOW).verdict, "allow");
  // The exact host only: no subdomain, no parent.
  assert.equal(decide(p, "x.api.example.com", 443, NOW).verdict, "deny");
  assert.equal(decide(p, "example.com", 443, NOW).verdict, "deny");
  // A grant without expiry lasts until revoked.
  const forever = compilePolicy(policy([{ host: "a.test", request: 1 }]));
  assert.equal(decide(forever, "a.test", 443, NOW + 1e12).rule, "grant:request 1");
});

Deno.test("grants: deny rules beat grants; allow rules come first", () => {
  const p = compilePolicy(policy(
    [{ host: "bad.x.com", request: 4 }, { host: "ok.x.com", request: 5 }],
    ["ok.x.com"],
    ["*.x.com"],
    true,
  ));
  const d = decide(p, "bad.x.com", 443, NOW);
  assert.equal(d.verdict, "deny");
  assert.equal(d.rule, "*.x.com");
  assert.equal(d.grant, undefined);
  // A denial by a deny rule cannot be granted: no hint to ask.
  assert.doesNotMatch(d.reason, /request_egress/);
  assert.equal(decide(p, "ok.x.com", 443, NOW).rule, "*.x.com");
  const allowFirst = compilePolicy(policy([{ host: "a.test", request: 6 }], ["a.test"]));
  const a = decide(allowFirst, "a.test", 443, NOW);
  assert.equal(a.rule, "a.test");
  assert.equal(a.grant, undefined);
});

Deno.test("grants: an expired grant is refused, saying when it ran out", () => {
  const p = compilePolicy(policy([{ host: "a.test", request: 7, expires_at: EARLIER }]));
  const d = decide(p, "a.test", 443, NOW);
  assert.equal(d.verdict, "deny");
  assert.equal(d.rule, null);
  assert.match(
    d.reason,
    /granted by supervise \(request 7\) until 2026-12-06T11:00:00\.000Z, which has passed/,
  );
  // Live while expires_at > now: refused at the instant itself.
  const edge = compilePolicy(policy([{ host: "a.test", request: 8, expires_at: LATER }]));
  assert.equal(decide(edge, "a.test", 443, Date.parse(LATER) - 1).verdict, "allow");
  assert.equal(decide(edge, "a.test", 443, Date.parse(LATER)).verdict, "deny");
});

Deno.test("grants: a port narrows the grant to that port", () => {
  const p = compilePolicy(policy([{ host: "a.test", port: 8443, request: 9 }]));
  assert.equal(decide(p, "a.test", 8443, NOW).verdict, "allow");
  const other = decide(p, "a.test", 443, NOW);
  assert.equal(other.verdict, "deny");
  assert.match(
    other.reason,
    /port 443 of host "a\.test" is not allowed: supervise granted port 8443 only \(request 9\)/,
  );
});

Deno.test("grants: a path prefix allows the CONNECT (intercepted) and matching requests only", () => {
  const p = compilePolicy(policy([{ host: "a.test", path_prefix: "/api/", request: 10 }]));
  const connect = decide(p, "a.test", 443, NOW);
  assert.equal(connect.verdict, "allow");
  assert.equal(connect.grant?.pathPrefix, "/api/");
  assert.match(connect.reason, /tunnel is intercepted/);
  assert.equal(decide(p, "a.test", 443, NOW, "/api/v1?x=1").verdict, "allow");
  const outside = decide(p, "a.test", 443, NOW, "/admin?token=secret");
  assert.equal(outside.verdict, "deny");
  assert.match(
    outside.reason,
    /path "\/admin" of host "a\.test" is outside what supervise granted/,
  );
  assert.doesNotMatch(outside.reason, /secret/);
  // Dot segments (plain or encoded) could leave the prefix on the server: no match.
  for (const path of ["/api/../admin", "/api/%2e%2e/admin", "/api/%2E%2E%2Fadmin"]) {
    assert.equal(decide(p, "a.test", 443, NOW, path).verdict, "deny", path);
  }
  // Another grant of the host without a prefix covers every path.
  const both = compilePolicy(policy([
    { host: "a.test", path_prefix: "/api/", request: 10 },
    { host: "a.test", request: 11 },
  ]));
  assert.equal(decide(both, "a.test", 443, NOW).grant?.pathPrefix, "");
  assert.equal(decide(both, "a.test", 443, NOW, "/admin").rule, "grant:request 11");
  assert.equal(decide(both, "a.test", 443, NOW, "/api/x").rule, "grant:request 10");
});

Deno.test("grants: with supervise, a default deny says the agent may ask", () => {
  const p = compilePolicy(policy([], ["a.test:443"], [], true));
  const d = decide(p, "b.test", 443, NOW);
  assert.equal(d.verdict, "deny");
  const [first, hint, ...rest] = d.reason.split("\n");
  assert.match(first, /not in this bottle's egress allowlist/);
  assert.match(hint, /supervise MCP tool request_egress \(host "b\.test", and your reason\)/);
  assert.deepEqual(rest, []);
  assert.match(decide(p, "a.test", 80, NOW).reason, /allows port 443 only[^]*request_egress/);
  const without = compilePolicy(policy([], ["a.test"]));
  assert.doesNotMatch(decide(without, "b.test", 443, NOW).reason, /request_egress|\n/);
  // Invalid hosts are not something to ask for.
  assert.doesNotMatch(decide(p, "not a host", 443, NOW).reason, /request_egress/);
});

Deno.test("grants: wildcards, IP addresses and bad fields are refused at compile", () => {
  const cases: [unknown, RegExp][] = [
    [
      { host: "*.example.com", request: 1 },
      /grants\[0\]\.host "\*\.example\.com": a grant names one host, no wildcard/,
    ],
    [{ host: "*", request: 1 }, /no wildcard/],
    [{ host: "10.0.0.5", request: 1 }, /not an IP address/],
    [{ host: "2130706433", request: 1 }, /not an IP address/],
    [{ host: "[::1]", request: 1 }, /not an IP address/],
    [{ host: "a b", request: 1 }, /not a valid host name/],
    [{ host: 3, request: 1 }, /host must be a string/],
    [{ host: "a.test", port: 0, request: 1 }, /port must be an integer 1–65535/],
    [{ host: "a.test", port: 65536, request: 1 }, /port must be/],
    [{ host: "a.test", port: "443", request: 1 }, /port must be/],
    [{ host: "a.test", path_prefix: "api", request: 1 }, /path_prefix must start with "\/"/],
    [{ host: "a.test", path_prefix: "/a/../b", request: 1 }, /path_prefix/],
    [{ host: "a.test", path_prefix: "/a b", request: 1 }, /path_prefix/],
    [{ host: "a.test", expires_at: "tomorrow", request: 1 }, /expires_at must be an ISO 8601 time/],
    [{ host: "a.test", expires_at: 5, request: 1 }, /expires_at/],
    [{ host: "a.test", request: 0 }, /request must be a positive integer/],
    [{ host: "a.test", request: 1.5 }, /request must be/],
    [{ host: "a.test" }, /request must be/],
    ["a.test", /grants\[0\] must be an object/],
  ];
  for (const [grant, pattern] of cases) {
    const bad = { ...policy([]), grants: [grant] } as unknown as EgressPolicy;
    assert.throws(
      () => compilePolicy(bad),
      (error: unknown) => error instanceof PolicyError && pattern.test(error.message),
      JSON.stringify(grant),
    );
  }
  const notList = { ...policy([]), grants: {} } as unknown as EgressPolicy;
  assert.throws(() => compilePolicy(notList), /grants must be an array/);
  const badFlag = { ...policy([]), supervise: "yes" } as unknown as EgressPolicy;
  assert.throws(() => compilePolicy(badFlag), /supervise must be true or false/);
  const compiled = compilePolicy(policy([{ host: "BÜCHER.de", port: 443, request: 2 }]));
  assert.deepEqual(compiled.grants, [
    { host: "xn--bcher-kva.de", port: 443, pathPrefix: "", expiresAt: null, request: 2 },
  ]);
  assert.equal(compiled.supervise, false);
});
