import assert from "node:assert/strict";
import { createDlpEngine } from "./engine.ts";
import { isPublicExample } from "./placeholders.ts";
import { Rng } from "./testing/random.ts";
import { sample } from "./testing/samples.ts";

const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 20 });

function bodyFindings(text: string): string[] {
  const scan = engine.scanBody("example.com", "text/plain", null);
  const found = [...scan.push(new TextEncoder().encode(text)), ...scan.end()];
  return found.map((f) => f.rule);
}

Deno.test("placeholders: documented examples and masks, as whole values", () => {
  assert.ok(isPublicExample("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  assert.ok(isPublicExample("T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"));
  assert.ok(isPublicExample("sk-ant-api03-" + "x".repeat(93) + "AA"));
  assert.ok(!isPublicExample("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYx"));
  assert.ok(!isPublicExample("xwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
});

Deno.test("placeholders: an example next to a real key does not hide the key", () => {
  const r = new Rng(21);
  const key = sample("anthropic-api-key", r).text;
  assert.deepEqual(bodyFindings(` ${key}XXXXXXXXXXXXXXXX `), ["anthropic-api-key"]);
  const jwtIo = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv" +
    "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  assert.deepEqual(bodyFindings(` ${jwtIo} `), []);
  const aws = sample("aws-secret-access-key", r);
  assert.ok(bodyFindings(`${aws.text}\n`).includes("aws-secret-access-key"));
  assert.deepEqual(
    bodyFindings("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
    [],
  );
  const slack = sample("slack-webhook-url", r).text;
  assert.deepEqual(bodyFindings(` ${slack} `), ["slack-webhook-url"]);
});
