import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  decodeBase32,
  decodeRuns,
  EncodedRunStream,
  RUN_KINDS,
  type RunChunk,
  type RunKind,
} from "./runs.ts";
import { printableStretches } from "./printable.ts";
import { Rng } from "./testing/random.ts";

const SECRET = "AKIAQWERTYUIOPASDFGH";

function base32(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of text) bits += ch.charCodeAt(0).toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) {
    out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  }
  return out;
}

/** Each kind's decoded runs, one per line, from the stream's pieces in random chunks. */
function streamed(text: string, r: Rng): Record<RunKind, string> {
  const stream = new EncodedRunStream();
  const out: Record<RunKind, string> = { base64: "", hex: "", "hex-odd": "", base32: "" };
  const open = new Map<RunKind, string>();
  let consumed = 0;
  const add = (chunk: RunChunk): void => {
    consumed += chunk.consumed;
    assert.ok(chunk.pending >= 0 && chunk.pending <= consumed);
    for (const kind of RUN_KINDS) out[kind] += chunk.whole[kind];
    for (const d of chunk.pieces) {
      assert.ok(d.at + d.length <= consumed);
      const text = (d.start ? "" : open.get(d.kind) ?? "") + d.text;
      if (d.end) {
        out[d.kind] += text + "\n";
        open.delete(d.kind);
      } else open.set(d.kind, text);
    }
  };
  for (let i = 0; i < text.length;) {
    const n = 1 + r.int(r.pick([1, 7, 40]));
    add(stream.push(text.slice(i, i + n)));
    i += n;
  }
  add(stream.flush());
  assert.equal(consumed, text.length);
  assert.equal(open.size, 0);
  return out;
}

Deno.test("runs: base64 at every byte offset, base64url, hex both alignments, base32", () => {
  for (const pad of ["", "x", "xy"]) {
    const plain = `note ${pad}${SECRET} end`;
    const b64 = Buffer.from(plain).toString("base64");
    assert.ok(decodeRuns(`{"d":"${b64}"}`).base64.includes(SECRET));
    const url = Buffer.from("\xff\xfe" + plain, "latin1").toString("base64url");
    assert.ok(decodeRuns(`q=${url}&x=1`).base64.includes(SECRET));
  }
  const hex = Buffer.from(SECRET).toString("hex");
  assert.ok(decodeRuns(`id ${hex} .`).hex.includes(SECRET));
  assert.ok(decodeRuns(`id ${hex.toUpperCase()} .`).hex.includes(SECRET));
  for (const junk of ["id", "ide", "xyz_"]) {
    const runs = decodeRuns(`${junk}${hex}`);
    assert.ok(runs.hex.includes(SECRET) || runs["hex-odd"].includes(SECRET), junk);
  }
  assert.ok(decodeRuns(`v=${base32(SECRET)}===`).base32.includes(SECRET));
  assert.ok(decodeRuns(`v=${base32(SECRET).toLowerCase()}`).base32.includes(SECRET));
  assert.equal(decodeBase32(base32("hello world")), "hello world");
});

Deno.test("runs: streamed in any chunking, runs decode as in the whole string", () => {
  const r = new Rng(7);
  const parts = [
    Buffer.from("a".repeat(40) + SECRET).toString("base64"),
    Buffer.from(SECRET).toString("hex"),
    "x" + Buffer.from(SECRET).toString("hex"),
    "zz_" + Buffer.from(SECRET).toString("hex") + "_qq",
    base32(SECRET + "tail"),
    "short",
    "sixteen_chars_ab",
    "words and more words",
  ];
  for (let round = 0; round < 200; round++) {
    const text = Array.from({ length: 1 + r.int(6) }, () => r.pick(parts)).join(
      r.pick([" ", "\n", '"', ",", ""]),
    );
    const stream = streamed(text, r);
    const whole = decodeRuns(text);
    // Streaming knows a run's kind only at its end, so it may decode a prefix more, and the
    // bytes beside a text stretch may differ; the text the whole string decodes to must be there.
    for (const kind of RUN_KINDS) {
      for (const line of printableStretches(whole[kind]).split("\n")) {
        assert.ok(stream[kind].includes(line), `${kind}: ${JSON.stringify(text)}`);
      }
    }
  }
});
