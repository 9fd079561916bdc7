import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { compilePolicy } from "../policy/decide.ts";
import type { HeaderField } from "../http/head.ts";
import type { PolicyRoute } from "../policy/wire.ts";
import { planRequest, type RoutePlanResult } from "./route_plan.ts";
import type { InjectedSecret } from "../secrets/wire.ts";
import { compileSecrets } from "../secrets/table.ts";
import { fakeDlp, testPolicy } from "../testing/mod.ts";

const REAL = "real-secret-value-0123";
const PH = "placeholder-for-route";

function plan(
  secret: InjectedSecret,
  headers: HeaderField[],
  options: { path?: string; host?: string; routes?: PolicyRoute[]; intercepted?: boolean } = {},
): RoutePlanResult {
  const routes = options.routes ??
    [{ host: secret.host, path_prefix: secret.path_prefix, passthrough: false }];
  return planRequest({
    policy: compilePolicy(testPolicy(["*.test"], routes)),
    secrets: compileSecrets({ version: 1, bottle: "dev", secrets: [secret] }, "dev"),
    dlp: fakeDlp().factory({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 }),
    intercepted: options.intercepted ?? true,
    host: options.host ?? secret.host,
    port: 443,
    path: options.path ?? "/v1/x",
    headers,
  });
}

function outgoing(result: RoutePlanResult): HeaderField[] {
  assert.ok(result.ok, JSON.stringify(result));
  return result.plan.headers;
}

Deno.test("plan: each scheme replaces what the agent sent with the real credential", () => {
  const base = { host: "a.test", value: REAL, placeholder: PH };
  const cases: Array<[InjectedSecret, HeaderField[], HeaderField]> = [
    [{ ...base, scheme: "bearer" }, [{ name: "authorization", value: `Bearer ${PH}` }], {
      name: "Authorization",
      value: `Bearer ${REAL}`,
    }],
    [{ ...base, scheme: "x-api-key" }, [{ name: "X-Api-Key", value: PH }], {
      name: "x-api-key",
      value: REAL,
    }],
    [{ ...base, scheme: "basic" }, [{ name: "Authorization", value: "Basic Zm9vOmJhcg==" }], {
      name: "Authorization",
      value: `Basic ${Buffer.from(REAL).toString("base64")}`,
    }],
    [{ ...base, scheme: "header", header: "X-Custom" }, [], { name: "X-Custom", value: REAL }],
  ];
  for (const [secret, sent, expected] of cases) {
    const headers = outgoing(plan(secret, [{ name: "Accept", value: "*/*" }, ...sent]));
    assert.deepEqual(headers.slice(1), [{ name: "Accept", value: "*/*" }, expected], secret.scheme);
    assert.deepEqual(headers[0], { name: "Host", value: "a.test" });
  }
});

Deno.test("plan: placeholders outside the route's own header are blocked", () => {
  const secret: InjectedSecret = {
    host: "a.test",
    path_prefix: "/v1/",
    scheme: "bearer",
    value: REAL,
    placeholder: PH,
  };
  const auth = [{ name: "Authorization", value: `Bearer ${PH}` }];
  assert.ok(plan(secret, auth).ok);
  const elsewhere = plan(secret, auth, { host: "b.test" });
  assert.ok(!elsewhere.ok && elsewhere.block.rule === "placeholder-leak");
  const otherPath = plan(secret, auth, { path: "/v2/" });
  assert.ok(!otherPath.ok && otherPath.block.where === "header");
  const inUrl = plan(secret, [], { path: `/v1/?k=${encodeURIComponent(PH)}` });
  assert.ok(!inUrl.ok && inUrl.block.where === "url");
  const b64 = plan(secret, [{ name: "Cookie", value: `s=${btoa(PH)}` }]);
  assert.ok(!b64.ok && b64.block.where === "header");
  assert.ok(!JSON.stringify([elsewhere, otherPath, inUrl, b64]).includes(PH));
});

Deno.test("plan: hop-by-hop and Host dropped; DLP sees the agent's headers, not the credential", () => {
  const secret: InjectedSecret = { host: "a.test", scheme: "bearer", value: REAL, placeholder: PH };
  const result = plan(secret, [
    { name: "Host", value: "a.test" },
    { name: "Proxy-Authorization", value: "x" },
    { name: "Connection", value: "X-Hop" },
    { name: "X-Hop", value: "1" },
    { name: "X-Note", value: "DLP-TEST-WARN" },
  ]);
  assert.ok(result.ok);
  assert.deepEqual(result.plan.headers.map((h) => h.name), [
    "Host",
    "X-Note",
    "Authorization",
  ]);
  assert.deepEqual(result.plan.warnings.map((w) => w.where), ["header"]);
  assert.equal(result.plan.secret?.id, "a.test");
  assert.equal(result.plan.redact, true);
});

Deno.test("plan: no credential over cleartext unless the operator's upstream says http", () => {
  const secret: InjectedSecret = { host: "a.test", scheme: "bearer", value: REAL, placeholder: PH };
  const plain = plan(secret, [], { intercepted: false });
  assert.ok(!plain.ok && plain.block.rule === "route-requires-https");
  const gateway = plan(secret, [], {
    intercepted: false,
    routes: [{ host: "a.test", passthrough: false, upstream: "http://10.1.2.3:8080" }],
  });
  assert.ok(gateway.ok);
  assert.deepEqual(gateway.plan.origin, { scheme: "http", host: "10.1.2.3", port: 8080 });
  assert.equal(gateway.plan.override, true);
  assert.deepEqual(gateway.plan.headers[0], { name: "Host", value: "10.1.2.3:8080" });
});
