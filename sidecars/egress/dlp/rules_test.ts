import assert from "node:assert/strict";
import { createDlpEngine } from "./engine.ts";
import { SECRET_RULE_IDS, SECRET_RULES } from "./rules/mod.ts";
import { Rng } from "./testing/random.ts";
import { sample, SAMPLES } from "./testing/samples.ts";

const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 20 });

function bodyFindings(text: string): string[] {
  const scan = engine.scanBody("example.com", "text/plain", null);
  const found = [...scan.push(new TextEncoder().encode(text)), ...scan.end()];
  return found.map((f) => f.rule);
}

Deno.test("rules: at least 40 formats, stable unique ids, one generator each", () => {
  assert.ok(SECRET_RULE_IDS.length >= 40, `${SECRET_RULE_IDS.length} formats`);
  for (const id of SECRET_RULE_IDS) assert.match(id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  assert.deepEqual([...SECRET_RULE_IDS].sort(), Object.keys(SAMPLES).sort());
});

Deno.test("rules: patterns are bounded and anchored", () => {
  for (const rule of SECRET_RULES) {
    assert.ok(rule.reach.ahead < 9000, `${rule.id} reads ${rule.reach.ahead} ahead`);
    assert.ok(rule.reach.behind <= 256, `${rule.id} reads ${rule.reach.behind} behind`);
    assert.ok(rule.anchors.length > 0, rule.id);
    assert.ok(rule.pattern.sticky, rule.id);
  }
});

Deno.test("rules: every format is found in 30 generated samples, alone in a line", () => {
  const r = new Rng(7);
  for (const id of SECRET_RULE_IDS) {
    for (let i = 0; i < 30; i++) {
      const { text } = sample(id, r);
      const found = bodyFindings(`before ${text} after\n`);
      assert.ok(found.includes(id), `${id} missed in ${JSON.stringify(text)}: ${found}`);
    }
  }
});

Deno.test("rules: validators reject broken checksums and near misses", () => {
  const r = new Rng(9);
  const gh = sample("github-pat", r).text;
  const flipped = gh.slice(0, -1) + (gh.endsWith("a") ? "b" : "a");
  assert.deepEqual(bodyFindings(` ${flipped} `), []);
  const npm = sample("npm-access-token", r).text;
  assert.deepEqual(bodyFindings(` ${npm.slice(0, 10)}X${npm.slice(11)} `), []);
  const age = sample("age-secret-key", r).text;
  assert.deepEqual(
    bodyFindings(` ${age.slice(0, 30)}${age[30] === "Q" ? "P" : "Q"}${age.slice(31)} `),
    [],
  );
  assert.deepEqual(bodyFindings(" eyJub3Rqc29uIjp0cnVl.eyJzdWIiOiJ4In0.c2ln "), []);
  assert.deepEqual(bodyFindings(" AKIAIOSFODNN7EXAMPLE "), []);
  assert.deepEqual(bodyFindings(" xAKIA1234567890ABCDEF "), []);
  assert.deepEqual(bodyFindings('-----BEGIN RSA PRIVATE KEY-----" in pem.ts'), []);
});
