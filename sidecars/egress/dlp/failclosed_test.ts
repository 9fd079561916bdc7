import assert from "node:assert/strict";
import zlib from "node:zlib";
import { BODY_TOO_LARGE, ENCODING_CORRUPT, ENCODING_UNKNOWN } from "./body.ts";
import { createDlpEngine } from "./engine.ts";
import type { DlpFinding } from "./types.ts";

const LIMIT = 256 * 1024;
const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: LIMIT });
const text = new TextEncoder().encode("hello world, nothing to see here\n".repeat(2000));

function run(
  data: Uint8Array,
  encoding: string | null,
  chunk = 1000,
): { findings: DlpFinding[]; safe: number; early: boolean } {
  const scan = engine.scanBody("h.example", "text/plain", encoding);
  const findings: DlpFinding[] = [];
  for (let i = 0; i < data.length; i += chunk) {
    findings.push(...scan.push(data.subarray(i, i + chunk)));
  }
  const early = findings.length > 0;
  findings.push(...scan.end());
  return { findings, safe: scan.safeBytes, early };
}

function blocked(findings: DlpFinding[], rule: string): boolean {
  return findings.some((f) => f.rule === rule && f.action === "block" && f.where === "body");
}

Deno.test("fail-closed: unknown Content-Encoding blocks at end, nothing is safe", () => {
  for (const encoding of ["compress", "x-custom", "gzip, snappy", "exi"]) {
    const { findings, safe } = run(text, encoding);
    assert.ok(blocked(findings, ENCODING_UNKNOWN), encoding);
    assert.equal(safe, 0);
    assert.ok(!findings[0].detail.includes(encoding.split(", ").at(-1)!));
  }
});

Deno.test("fail-closed: corrupt, truncated or trailing-garbage gzip and deflate block", () => {
  const gz = zlib.gzipSync(text);
  const flipped = gz.slice();
  flipped[Math.floor(gz.length / 2)] ^= 0xff;
  const bad: [string, Uint8Array, string][] = [
    ["corrupt gzip", flipped, "gzip"],
    ["truncated gzip", gz.subarray(0, gz.length - 8), "gzip"],
    ["gzip then garbage", new Uint8Array([...gz, 1, 2, 3]), "gzip"],
    ["not gzip at all", text, "gzip"],
    ["not deflate", text, "deflate"],
    ["not brotli", new TextEncoder().encode("definitely not a brotli stream"), "br"],
  ];
  for (const [name, data, encoding] of bad) {
    const { findings, safe } = run(data, encoding);
    assert.ok(blocked(findings, ENCODING_CORRUPT), name);
    assert.equal(safe, 0, name);
  }
});

Deno.test("fail-closed: valid gzip, zlib and raw deflate, brotli and chains decode", () => {
  const good: [Uint8Array, string][] = [
    [zlib.gzipSync(text), "gzip"],
    [zlib.gzipSync(text), "x-gzip"],
    [zlib.deflateSync(text), "deflate"],
    [zlib.deflateRawSync(text), "deflate"],
    [zlib.brotliCompressSync(text), "br"],
    [zlib.brotliCompressSync(zlib.gzipSync(text)), "gzip, br"],
    [text, "identity"],
  ];
  for (const [data, encoding] of good) {
    for (const chunk of [1, 7, 4096]) {
      const { findings, safe } = run(data, encoding, chunk);
      assert.deepEqual(findings, [], encoding);
      assert.equal(safe, data.length);
    }
  }
});

Deno.test("fail-closed: bodies over maxBodyBytes after decoding block, as soon as they are", () => {
  const big = new Uint8Array(LIMIT + 1).fill(0x61);
  const identity = run(big, null, 64 * 1024);
  assert.ok(blocked(identity.findings, BODY_TOO_LARGE));
  assert.ok(identity.early);
  const bomb = zlib.gzipSync(new Uint8Array(64 * LIMIT));
  const compressed = run(bomb, "gzip", 512);
  assert.ok(blocked(compressed.findings, BODY_TOO_LARGE));
  assert.ok(compressed.early, "a gzip bomb is stopped while it streams");
  assert.equal(compressed.safe, 0);
  assert.deepEqual(run(new Uint8Array(LIMIT).fill(0x61), null).findings, []);
});

Deno.test("fail-closed: a compressed secret is found while streaming", () => {
  const token = "AKIA" + "Q".repeat(8) + "23456789";
  const gz = zlib.gzipSync(new TextEncoder().encode(`x ${token} y\n`.padEnd(200000, "z")));
  const { findings, early } = run(gz, "gzip", 4096);
  assert.ok(findings.some((f) => f.rule === "aws-access-key-id"));
  assert.ok(early);
});
