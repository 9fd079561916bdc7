import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { type Coding, DecodeError, Decompressor, parseContentEncoding } from "./decompress.ts";

const text = Buffer.from("streaming decompression, one chunk at a time\n".repeat(3000));

function decode(data: Uint8Array, codings: Coding[], native: boolean, chunk: number): Uint8Array {
  const out: Uint8Array[] = [];
  const d = new Decompressor(codings, 1 << 24, native);
  for (let i = 0; i < data.length; i += chunk) {
    d.push(data.subarray(i, i + chunk), (b) => out.push(b));
  }
  d.finish((b) => out.push(b));
  return new Uint8Array(Buffer.concat(out));
}

Deno.test("parseContentEncoding: known codings in order, identity skipped, unknown reported", () => {
  assert.deepEqual(parseContentEncoding(null), []);
  assert.deepEqual(parseContentEncoding("identity"), []);
  assert.deepEqual(parseContentEncoding("GZIP, br"), ["gzip", "br"]);
  assert.deepEqual(parseContentEncoding("x-gzip,deflate"), ["gzip", "deflate"]);
  assert.deepEqual(parseContentEncoding("gzip, compress"), { unknown: "compress" });
});

Deno.test("Decompressor: native and buffered paths decode every coding and chain", () => {
  const cases: [Uint8Array, Coding[]][] = [
    [zlib.gzipSync(text), ["gzip"]],
    [zlib.deflateSync(text), ["deflate"]],
    [zlib.deflateRawSync(text), ["deflate"]],
    [zlib.brotliCompressSync(text), ["br"]],
    [zlib.brotliCompressSync(zlib.deflateSync(text)), ["deflate", "br"]],
    [Buffer.concat([zlib.gzipSync(text.subarray(0, 100)), zlib.gzipSync(text.subarray(100))]), [
      "gzip",
    ]],
  ];
  for (const [data, codings] of cases) {
    for (const native of [true, false]) {
      for (const chunk of [1, 333, 1 << 20]) {
        assert.deepEqual(
          decode(data, codings, native, chunk),
          new Uint8Array(text),
          `${codings} ${native}`,
        );
      }
    }
  }
});

Deno.test("Decompressor: output beyond the limit stops decoding while it streams", () => {
  const bomb = zlib.gzipSync(new Uint8Array(1 << 24));
  const d = new Decompressor(["gzip"], 1 << 20);
  let out = 0;
  assert.throws(
    () => d.push(bomb, (b) => (out += b.length)),
    (e: unknown) => e instanceof DecodeError && e.tooLarge,
  );
  assert.ok(out <= 1 << 20);
  d.abort();
});
