import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { createDlpEngine } from "./engine.ts";
import { pushChunked } from "./testing/carriers.ts";
import { Rng } from "./testing/random.ts";
import type { DlpFinding } from "./types.ts";

const AWS_ID = "AKIAQWERTYUIOPASDFGH";
const engine = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 22 });

function base32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) {
    out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  }
  return out + "=".repeat((8 - (out.length % 8)) % 8);
}

/** A minimal zip with one deflated member. */
function zip(name: string, content: Uint8Array): Uint8Array {
  const data = zlib.deflateRawSync(content);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(8, 8);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(content.length, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name), data]);
}

/** A tar archive with one member. */
function tar(name: string, content: Uint8Array): Uint8Array {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("ustar\x0000", 257);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  Buffer.from(content).copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

const note = (secret: string): Uint8Array => Buffer.from(`deploy notes\nkey id: ${secret}\n`);

function bodyFindings(data: Uint8Array, type = "application/octet-stream"): DlpFinding[] {
  return pushChunked(engine, data, type, null, new Rng(data.length));
}

function caught(findings: DlpFinding[], rule = "aws-access-key-id"): boolean {
  return findings.some((f) => f.rule === rule);
}

Deno.test("decode, then match: known formats under every reversible encoding in a body", () => {
  const cases: Record<string, Uint8Array> = {};
  for (const pad of ["", "\n", "\x01\x02"]) {
    const b64 = Buffer.from(`${pad}${AWS_ID} tail`, "latin1").toString("base64");
    cases[`base64 at byte offset ${pad.length}`] = Buffer.from(JSON.stringify({ data: b64 }));
  }
  cases["base64url"] = Buffer.from(
    `v=${Buffer.from(`\xff\xfe${AWS_ID}`, "latin1").toString("base64url")}`,
  );
  cases["hex"] = Buffer.from(`id ${Buffer.from(AWS_ID).toString("hex")}\n`);
  cases["HEX"] = Buffer.from(`id ${Buffer.from(AWS_ID).toString("hex").toUpperCase()}\n`);
  cases["base32"] = Buffer.from(`v: ${base32(Buffer.from(AWS_ID))}`);
  cases["double base64"] = Buffer.from(
    Buffer.from(Buffer.from(`key ${AWS_ID}`).toString("base64")).toString("base64"),
  );
  cases["utf-16le json"] = Buffer.from(JSON.stringify({ key: AWS_ID }), "utf16le");
  cases["utf-16be json with bom"] = Buffer.concat([
    Buffer.from([0xfe, 0xff]),
    Buffer.from(JSON.stringify({ key: AWS_ID }), "utf16le").swap16(),
  ]);
  cases["gzip file without content-encoding"] = zlib.gzipSync(note(AWS_ID));
  cases["tar.gz upload"] = zlib.gzipSync(tar("notes.txt", note(AWS_ID)));
  cases["zip upload"] = zip("notes.txt", note(AWS_ID));
  cases["base64 of gzip"] = Buffer.from(
    JSON.stringify({ blob: zlib.gzipSync(note(AWS_ID)).toString("base64") }),
  );
  cases["base64 of utf-16"] = Buffer.from(
    Buffer.from(`key ${AWS_ID}`, "utf16le").toString("base64"),
  );
  cases["split across two JSON fields"] = Buffer.from(
    JSON.stringify({ a: AWS_ID.slice(0, 9), note: 42, b: AWS_ID.slice(9) }),
  );
  cases["split across JSON fields, base64-encoded"] = Buffer.from(
    Buffer.from(JSON.stringify([AWS_ID.slice(0, 12), AWS_ID.slice(12)])).toString("base64"),
  );
  cases["key pair in base64-encoded JSON"] = Buffer.from(
    Buffer.from(JSON.stringify({
      aws_access_key_id: AWS_ID,
      aws_secret_access_key: "wJalrXUtnFEMIaK7MDENGabPxRfiCYzzqKEYmx2h",
    })).toString("base64"),
  );
  const missed = Object.entries(cases).filter(([, data]) => !caught(bodyFindings(data)));
  assert.deepEqual(missed.map(([name]) => name), []);
});

Deno.test("decode, then match: in URL query values and headers", () => {
  const b64 = Buffer.from(`aws ${AWS_ID}`).toString("base64url");
  assert.ok(caught(engine.scanUrl("h.example", `/x?d=${b64}&p=1`)));
  const hex = Buffer.from(AWS_ID).toString("hex");
  assert.ok(caught(engine.scanUrl("h.example", `/files/${hex}/raw`)));
  assert.ok(caught(engine.scanHeaders("h.example", [{ name: "X-Data", value: b64 }])));
});

Deno.test("decode, then match: a finding names the decoding, never the secret", () => {
  const findings = bodyFindings(Buffer.from(Buffer.from(`aws ${AWS_ID}`).toString("base64")));
  const finding = findings.find((f) => f.rule === "aws-access-key-id")!;
  assert.match(finding.detail, /base64-decoded/);
  assert.ok(!finding.detail.includes(AWS_ID));
});

Deno.test("archives: a corrupt or oversized archive is refused, a bomb is not expanded", () => {
  const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), Buffer.alloc(64, 7)]);
  assert.ok(caught(bodyFindings(corrupt), "archive-unreadable"));
  const small = createDlpEngine({ rules: {}, bottleSecrets: [], maxBodyBytes: 1 << 20 });
  const bomb = zlib.gzipSync(Buffer.alloc(8 << 20));
  const findings = pushChunked(small, bomb, "application/gzip", null, new Rng(1));
  assert.ok(caught(findings, "archive-unreadable"));
});

Deno.test("decode, then match: benign encoded data yields nothing", () => {
  const r = new Rng(3);
  const bodies = [
    zlib.gzipSync(Buffer.from("hello world\n".repeat(1000))),
    zip("a.txt", Buffer.from("just text, nothing secret\n".repeat(200))),
    Buffer.from(JSON.stringify({ image: Buffer.from(r.bytes(50_000)).toString("base64") })),
    Buffer.from(
      Array.from({ length: 500 }, () => Buffer.from(r.bytes(32)).toString("hex")).join("\n"),
    ),
    Buffer.from("plain text in utf-16, nothing to see here", "utf16le"),
  ];
  for (const body of bodies) assert.deepEqual(bodyFindings(body), []);
});

Deno.test("reversed: a known format written backwards is found", () => {
  const reversed = AWS_ID.split("").reverse().join("");
  assert.ok(caught(bodyFindings(Buffer.from(`note ${reversed} end`))));
  assert.ok(caught(engine.scanUrl("h.example", `/q?v=${reversed}`)));
});
