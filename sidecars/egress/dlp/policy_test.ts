import assert from "node:assert/strict";
import { HostRuleError } from "../../../lib/net/mod.ts";
import { createDlpEngine } from "./engine.ts";
import { Rng } from "./testing/random.ts";
import { sample } from "./testing/samples.ts";

const token = sample("github-pat", new Rng(1)).text;
const jwt = sample("jwt", new Rng(2)).text;

const engine = createDlpEngine({
  rules: {
    "github-pat": { exemptHosts: ["api.github.com", "*.githubusercontent.com"] },
    "jwt": { action: "warn" },
    "bottle-secret:api.example.com": { exemptHosts: ["api.example.com"] },
  },
  bottleSecrets: [{ id: "api.example.com", value: "Route-Secret-abcdef123456" }],
  maxBodyBytes: 1 << 20,
});

function rules(host: string, url: string): string[] {
  return engine.scanUrl(host, url).map((f) => `${f.rule}:${f.action}`);
}

Deno.test("policy: exempt hosts are exact or *.subdomain, like egress host rules", () => {
  assert.deepEqual(rules("api.github.com", `/?t=${token}`), []);
  assert.deepEqual(rules("API.GitHub.com.", `/?t=${token}`), []);
  assert.deepEqual(rules("api.github.com:443", `/?t=${token}`), []);
  assert.deepEqual(rules("raw.githubusercontent.com", `/?t=${token}`), []);
  assert.deepEqual(rules("githubusercontent.com", `/?t=${token}`), ["github-pat:block"]);
  assert.deepEqual(rules("evil.example", `/?t=${token}`), ["github-pat:block"]);
  assert.deepEqual(rules("api.example.com", "/?s=Route-Secret-abcdef123456"), []);
  assert.deepEqual(rules("other.example", "/?s=Route-Secret-abcdef123456"), [
    "bottle-secret:api.example.com:block",
  ]);
});

Deno.test("policy: per-rule action warn; unlisted rules block", () => {
  assert.deepEqual(rules("h", `/?a=${jwt}`), ["jwt:warn"]);
  const findings = engine.scanHeaders("h", [{ name: "X-A", value: jwt }, {
    name: "X-B",
    value: token,
  }]);
  assert.deepEqual(findings.map((f) => [f.rule, f.action, f.where]), [
    ["jwt", "warn", "header"],
    ["github-pat", "block", "header"],
  ]);
});

Deno.test("policy: invalid exemptHosts are rejected when the engine is created", () => {
  assert.throws(
    () =>
      createDlpEngine({
        rules: { jwt: { exemptHosts: ["https://x/"] } },
        bottleSecrets: [],
        maxBodyBytes: 1,
      }),
    HostRuleError,
  );
});

Deno.test("policy: one finding per rule per scan, details without values", () => {
  const body = new TextEncoder().encode(`${token} ${token} ${token}`);
  const scan = engine.scanBody("h", "text/plain", null);
  const findings = [...scan.push(body), ...scan.end()];
  assert.equal(findings.length, 1);
  assert.ok(!findings[0].detail.includes(token));
  assert.ok(!findings[0].detail.includes(token.slice(4, 14)));
});
