import assert from "node:assert/strict";
import zlib from "node:zlib";
import { createDlpEngine } from "./engine.ts";
import type { DlpEngine } from "./types.ts";
import { sourceCode } from "./testing/benign.ts";
import { ALNUM, Rng } from "./testing/random.ts";
import { sample } from "./testing/samples.ts";

const BOTTLE_SECRET = "Route-Secret-9f8e7d6c5b4a39281706";

function engine(): DlpEngine {
  return createDlpEngine({
    rules: {},
    bottleSecrets: [{ id: "api.example.com", value: BOTTLE_SECRET }],
    maxBodyBytes: 1 << 22,
  });
}

const encoder = new TextEncoder();

interface Case {
  name: string;
  body: Uint8Array;
  /** Byte offsets of the secret's encoded form in the body. */
  start: number;
  end: number;
  rule: string;
  contentType: string;
}

function cases(): Case[] {
  const r = new Rng(11);
  const build = (name: string, secret: string, rule: string, contentType = "text/plain"): Case => {
    const before = sourceCode(r, 300);
    const after = sourceCode(r, 200);
    const body = encoder.encode(before + secret + after);
    const start = encoder.encode(before).length;
    return { name, body, start, end: start + encoder.encode(secret).length, rule, contentType };
  };
  return [
    build("github token", ` ${sample("github-pat", r).text} `, "github-pat"),
    build("aws key id", ` ${sample("aws-access-key-id", r).text} `, "aws-access-key-id"),
    build("pem header", `\n${sample("private-key-openssh", r).text}`, "private-key-openssh"),
    build("jwt", ` ${sample("jwt", r).text} `, "jwt"),
    build("telegram", ` ${sample("telegram-bot-token", r).text} `, "telegram-bot-token"),
    build(
      "generic",
      ` password = "${r.chars(ALNUM, 6)}9Zq${r.chars(ALNUM, 12)}"\n`,
      "generic-secret-assignment",
    ),
    build("bottle raw", ` ${BOTTLE_SECRET} `, "bottle-secret:api.example.com"),
    build(
      "bottle base64",
      ` ${btoa("xy" + BOTTLE_SECRET + "z")} `,
      "bottle-secret:api.example.com",
    ),
    build(
      "bottle percent",
      ` ${[...BOTTLE_SECRET].map((c) => "%" + c.charCodeAt(0).toString(16)).join("")} `,
      "bottle-secret:api.example.com",
    ),
    build(
      "bottle json \\u",
      JSON.stringify(
        [...BOTTLE_SECRET].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join(""),
      ),
      "bottle-secret:api.example.com",
      "application/json",
    ),
  ];
}

Deno.test("streaming: a secret split at every byte offset across two chunks is found, never declared safe", () => {
  const e = engine();
  for (const c of cases()) {
    for (let cut = c.start - 2; cut <= c.end + 2; cut++) {
      const scan = e.scanBody("upload.example", c.contentType, null);
      const first = scan.push(c.body.subarray(0, cut));
      if (!first.some((f) => f.rule === c.rule)) {
        assert.ok(
          scan.safeBytes <= c.start,
          `${c.name} cut ${cut}: safe ${scan.safeBytes} > ${c.start}`,
        );
      }
      const second = scan.push(c.body.subarray(cut));
      const found = [...first, ...second];
      if (!found.some((f) => f.rule === c.rule)) {
        assert.ok(scan.safeBytes <= c.start, `${c.name} cut ${cut}: safe after second push`);
      }
      found.push(...scan.end());
      assert.ok(found.some((f) => f.rule === c.rule), `${c.name} missed when cut at ${cut}`);
      assert.equal(scan.safeBytes, c.body.length);
    }
  }
});

Deno.test("streaming: random chunking keeps safeBytes monotonic and short of undetected secrets", () => {
  const e = engine();
  const r = new Rng(3);
  for (const c of cases()) {
    for (let round = 0; round < 20; round++) {
      const scan = e.scanBody("upload.example", c.contentType, null);
      let found = false;
      let safe = 0;
      for (let i = 0; i < c.body.length;) {
        const n = 1 + r.int(r.int(2) ? 16 : 20000);
        found ||= scan.push(c.body.subarray(i, i + n)).some((f) => f.rule === c.rule);
        i += n;
        assert.ok(scan.safeBytes >= safe && scan.safeBytes <= Math.min(i, c.body.length));
        safe = scan.safeBytes;
        if (!found) assert.ok(safe <= c.start, `${c.name}: safe ${safe} covers the secret`);
      }
      found ||= scan.end().some((f) => f.rule === c.rule);
      assert.ok(found, c.name);
    }
  }
});

Deno.test("streaming: benign raw bodies are released as they stream, with a bounded lag", () => {
  const e = engine();
  const body = encoder.encode(sourceCode(new Rng(1), 40000));
  const scan = e.scanBody("upload.example", "text/plain", null);
  const chunk = 64 * 1024;
  for (let i = 0; i < body.length; i += chunk) {
    assert.deepEqual(scan.push(body.subarray(i, i + chunk)), []);
    const pushed = Math.min(i + chunk, body.length);
    assert.ok(pushed - scan.safeBytes <= 16 * 1024, `lag ${pushed - scan.safeBytes}`);
  }
  assert.deepEqual(scan.end(), []);
  assert.equal(scan.safeBytes, body.length);
});

Deno.test("streaming: form, multipart and compressed bodies are safe only at the end", () => {
  const e = engine();
  for (
    const [type, encoding] of [
      ["application/x-www-form-urlencoded", null],
      ["multipart/form-data; boundary=x", null],
      ["text/plain", "gzip"],
    ] as const
  ) {
    const scan = e.scanBody("h", type, encoding);
    const text = encoder.encode("a=".padEnd(100000, "1"));
    const data = encoding === "gzip" ? zlib.gzipSync(text) : text;
    scan.push(data);
    assert.equal(scan.safeBytes, 0, type);
    assert.deepEqual(scan.end(), []);
    assert.equal(scan.safeBytes, data.length);
  }
});
