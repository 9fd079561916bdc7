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

Deno.test("rules: distinctive prefixes match after any punctuation, even as a header name", () => {
  const r = new Rng(11);
  for (const id of ["anthropic-api-key", "github-pat", "slack-bot-token", "gitlab-pat"]) {
    const token = sample(id, r).text;
    const asName = engine.scanHeaders("h", [{ name: `X-${token}`, value: "1" }]);
    assert.ok(asName.some((f) => f.rule === id), `${id} as a header name`);
    for (const before of ["-", "_", ".", "/", ":"]) {
      assert.ok(bodyFindings(`x${before}${token} `).includes(id), `${id} after ${before}`);
    }
    assert.deepEqual(
      bodyFindings(`x${token} `).filter((f) => f === id),
      [],
      `${id} after a letter`,
    );
  }
  assert.deepEqual(bodyFindings(" cache-key-5d41402abc4b2a76b9719d911017c592 "), []);
});

Deno.test("rules: Mailgun's current key format, not UUIDs or dashed hashes", () => {
  assert.deepEqual(bodyFindings(" 5d41402abc4b2a76b9719d911017c592-1a2b3c4d-5e6f7a8b "), [
    "mailgun-api-key",
  ]);
  for (
    const text of [
      "5d41402a-bc4b-2a76-b971-9d911017c592",
      "5d41402abc4b2a76b9719d911017c592-1a2b3c4d-5e6f7a8b-00",
      "x-5d41402abc4b2a76b9719d911017c592-1a2b3c4d-5e6f7a8b",
      "00000000000000000000000000000000-11111111-22222222",
      "aaaabbbbccccddddeeeeffffaaaabbbb-abcdefab-cdefabcd",
      "5d41402abc4b2a76b9719d911017c592f00ba8b9-1a2b3c4d-5e6f7a8b",
    ]
  ) {
    assert.deepEqual(bodyFindings(` ${text} `), [], text);
  }
});

Deno.test("rules: a presigned URL's credential still counts when it holds an AWS key", () => {
  const key = sample("aws-access-key-id", new Rng(3)).text;
  const url = `/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${key}` +
    `%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=${"ab".repeat(32)}`;
  assert.deepEqual(engine.scanUrl("b.s3.amazonaws.com", url).map((f) => f.rule), [
    "aws-access-key-id",
  ]);
});

Deno.test("rules: a generic value that is base64 of text is judged decoded", () => {
  assert.deepEqual(bodyFindings(`data:\n  password: ${btoa("changeme")}\n`), []);
  assert.deepEqual(bodyFindings(`data:\n  password: ${btoa("admin")}\n`), []);
  assert.deepEqual(bodyFindings(`data:\n  password: ${btoa("Zq8#vN2$kLp9wX")}\n`), [
    "generic-secret-assignment",
  ]);
});

Deno.test("rules: public-by-design JWTs pass, credentials with the same header do not", () => {
  const header = btoa(JSON.stringify({ alg: "HS256", typ: "JWT" })).replace(/=+$/, "");
  const jwt = (payload: Record<string, unknown>): string =>
    `${header}.${btoa(JSON.stringify(payload)).replace(/=+$/, "")}.${"Sig_-0".repeat(7)}`;
  assert.deepEqual(bodyFindings(` ${jwt({ sub: "1234567890", name: "John Doe" })} `), []);
  assert.deepEqual(bodyFindings(` ${jwt({ iss: "supabase", role: "anon", ref: "abc" })} `), []);
  assert.deepEqual(bodyFindings(` ${jwt({ iss: "supabase-demo", role: "service_role" })} `), []);
  const asset = jwt({ iss: "github.com", aud: "release-assets.githubusercontent.com" });
  assert.deepEqual(bodyFindings(` ${asset} `), []);
  assert.deepEqual(bodyFindings(` ${jwt({ iss: "supabase", role: "service_role" })} `), ["jwt"]);
  assert.deepEqual(bodyFindings(` ${jwt({ sub: "u_1", aud: "api.example.com" })} `), ["jwt"]);
});
