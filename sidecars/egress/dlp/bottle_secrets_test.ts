import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { secretNeedles } from "./bottle_secrets.ts";
import { createDlpEngine } from "./engine.ts";
import type { DlpEngine, DlpFinding } from "./types.ts";
import { CARRIERS, pushChunked } from "./testing/carriers.ts";
import { ALNUM, Rng } from "./testing/random.ts";

const SYMBOLS = "!@#$%^&*()_+-=[]{}|;:,.<>?/~ \"'\\";

function secretValues(r: Rng): string[] {
  return [
    r.chars(ALNUM, 8 + r.int(50)),
    r.chars(ALNUM + SYMBOLS, 12 + r.int(30)),
    "sk-ant-api03-" + r.chars(ALNUM + "-_", 95),
    "ghp_" + r.chars(ALNUM, 36),
    "correct horse " + r.chars(ALNUM, 10) + " staple",
    "pässwörd-Ünïcode-" + r.chars(ALNUM, 6),
    JSON.stringify({ type: "service_account", key: r.chars(ALNUM + "/+", 1400) }),
  ];
}

function utf8(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

/** `secret` inside a longer base64 string, starting `offset` bytes into a 3-byte group. */
function embeddedBase64(r: Rng, secret: string, offset: number, url: boolean): string {
  const before = Buffer.from(r.bytes(3 * r.int(8) + offset));
  const bytes = Buffer.concat([before, utf8(secret), Buffer.from(r.bytes(r.int(20)))]);
  return bytes.toString(url ? "base64url" : "base64");
}

function embeddedHex(r: Rng, secret: string): string {
  return Buffer.from(r.bytes(r.int(10))).toString("hex") + utf8(secret).toString("hex") + "00";
}

function percentAll(secret: string): string {
  return [...utf8(secret)].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

function percentSome(r: Rng, secret: string): string {
  return [...secret].map((c) => r.int(2) ? percentAll(c).toLowerCase() : c).join("");
}

function jsonUnicode(secret: string): string {
  return [...secret].map((c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")).join("");
}

const ENCODINGS: Record<string, (r: Rng, secret: string) => string> = {
  "raw": (_, s) => s,
  "base64 +0": (r, s) => embeddedBase64(r, s, 0, false),
  "base64 +1": (r, s) => embeddedBase64(r, s, 1, false),
  "base64 +2": (r, s) => embeddedBase64(r, s, 2, false),
  "base64url +0": (r, s) => embeddedBase64(r, s, 0, true),
  "base64url +1": (r, s) => embeddedBase64(r, s, 1, true),
  "base64url +2": (r, s) => embeddedBase64(r, s, 2, true),
  "hex": (r, s) => embeddedHex(r, s),
  "HEX": (r, s) => embeddedHex(r, s).toUpperCase(),
  "url-encoded": (_, s) => encodeURIComponent(s),
  "all percent-encoded": (_, s) => percentAll(s),
  "partly percent-encoded": (r, s) => percentSome(r, s),
  "JSON \\u-escaped": (_, s) => jsonUnicode(s),
};

function hasSecretFinding(findings: DlpFinding[], secret: string): boolean {
  for (const f of findings) assert.ok(!f.detail.includes(secret.slice(0, 8)), f.detail);
  return findings.some((f) => f.rule === "bottle-secret:route.example.com");
}

function engineFor(secret: string): DlpEngine {
  return createDlpEngine({
    rules: {},
    bottleSecrets: [{ id: "route.example.com", value: secret }],
    maxBodyBytes: 1 << 20,
  });
}

Deno.test("bottle secrets: every encoding in every carrier, >= 99%", () => {
  const r = new Rng(77);
  let cases = 0;
  let found = 0;
  const misses: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const secret of secretValues(r)) {
      const engine = engineFor(secret);
      for (const [encoding, encode] of Object.entries(ENCODINGS)) {
        for (const [carrier, run] of Object.entries(CARRIERS)) {
          // \u escapes inside a body that \u-escapes its own text are escaped twice over.
          if (encoding === "JSON \\u-escaped" && carrier === "json \\u body") continue;
          cases++;
          const text = `data ${encode(r, secret)} end`;
          if (hasSecretFinding(run(engine, text, r), secret)) found++;
          else misses.push(`${encoding} via ${carrier}: ${JSON.stringify(secret.slice(0, 30))}`);
        }
      }
    }
  }
  const recall = found / cases;
  console.log(`bottle-secret recall ${(100 * recall).toFixed(2)}% (${found}/${cases})`);
  assert.ok(recall >= 0.99, `recall ${recall}; misses:\n${misses.slice(0, 20).join("\n")}`);
});

function split(r: Rng, secret: string, parts: number): string[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + r.int(secret.length - 1));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), secret.length];
  return sorted.slice(1).map((end, i) => secret.slice(sorted[i], end));
}

Deno.test("bottle secrets: split across query parameters, form fields, segments, headers", () => {
  const r = new Rng(5);
  for (let i = 0; i < 30; i++) {
    const secret = r.chars(ALNUM, 16 + r.int(40));
    const engine = engineFor(secret);
    const parts = split(r, secret, 2 + r.int(3)).map(encodeURIComponent);
    const repeated = parts.map((p) => `k=${p}`).join("&x=1&");
    const adjacent = parts.map((p, j) => `p${j}=${p}`).join("&");
    for (const query of [repeated, adjacent]) {
      assert.ok(hasSecretFinding(engine.scanUrl("h.example", `/a?${query}`), secret), query);
      const form = new TextEncoder().encode(`first=1&${query}`);
      const body = pushChunked(engine, form, "application/x-www-form-urlencoded", null, r);
      assert.ok(hasSecretFinding(body, secret), `form ${query}`);
    }
    assert.ok(hasSecretFinding(engine.scanUrl("h.example", `/${parts.join("/")}`), secret));
    const headers = parts.map((p, j) => ({ name: `X-Part-${j}`, value: decodeURIComponent(p) }));
    assert.ok(hasSecretFinding(engine.scanHeaders("h.example", headers), secret));
  }
});

Deno.test("bottle secrets: + for space in queries and forms, Basic credentials", () => {
  const secret = "correct horse battery staple 42";
  const engine = engineFor(secret);
  const plus = secret.replaceAll(" ", "+");
  assert.ok(hasSecretFinding(engine.scanUrl("h", `/?q=${plus}`), secret));
  const form = pushChunked(
    engine,
    new TextEncoder().encode(`q=${plus}`),
    "application/x-www-form-urlencoded",
    null,
    new Rng(1),
  );
  assert.ok(hasSecretFinding(form, secret));
  const basic = engineFor("user:" + "Sup3rS3cretPassw0rd");
  const header = [{ name: "Authorization", value: `Basic ${btoa("user:Sup3rS3cretPassw0rd")}` }];
  assert.ok(basic.scanHeaders("h", header).some((f) => f.rule.startsWith("bottle-secret:")));
});

Deno.test("bottle secrets: short secrets are not scanned; needles are cut and deduplicated", () => {
  assert.deepEqual(secretNeedles("short"), []);
  const needles = secretNeedles("x".repeat(5000));
  assert.ok(needles.every((n) => n.text.length <= 512));
  assert.equal(new Set(needles.map((n) => n.text)).size, needles.length);
});
