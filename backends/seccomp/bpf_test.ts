import assert from "node:assert/strict";
import { assemble, jeq, label, ld, ret } from "./bpf.ts";
import { decodeFilter, runFilter } from "./testing.ts";

Deno.test("assemble encodes sock_filter records little-endian, jumps resolved", () => {
  const bytes = assemble([ld(0), jeq(7, "yes"), ret(1), label("yes"), ret(0x7fff0000)]);
  assert.deepEqual(
    [...bytes],
    [
      [0x20, 0, 0, 0, 0, 0, 0, 0],
      [0x15, 0, 1, 0, 7, 0, 0, 0],
      [0x06, 0, 0, 0, 1, 0, 0, 0],
      [0x06, 0, 0, 0, 0, 0, 0xff, 0x7f],
    ].flat(),
  );
  assert.equal(decodeFilter(bytes).length, 4);
  assert.equal(runFilter(bytes, { arch: 0, nr: 7 }), 0x7fff0000);
  assert.equal(runFilter(bytes, { arch: 0, nr: 8 }), 1);
});

Deno.test("assemble refuses what classic BPF cannot express", () => {
  assert.throws(() => assemble([jeq(1, "nowhere"), ret(0)]), /names no instruction/);
  assert.throws(() => assemble([label("back"), ret(0), jeq(1, "back"), ret(0)]), /does not fit/);
  const far = [jeq(1, "end"), ...Array.from({ length: 256 }, () => ret(0)), label("end"), ret(1)];
  assert.throws(() => assemble(far), /does not fit a u8/);
  assert.throws(() => assemble([ld(0)]), /must return/);
  assert.throws(() => assemble([]), /1 to 4096/);
  assert.throws(() => assemble([ret(0), label("x"), label("x"), ret(0)]), /duplicate label/);
  assert.throws(() => assemble([ret(2 ** 32)]), /not a u32/);
});

Deno.test("the test interpreter rejects programs the kernel would", () => {
  assert.throws(() => decodeFilter(new Uint8Array(7)), /not 1\.\.4096/);
  assert.throws(() => decodeFilter(assemble([ld(2), ret(0)])), /bad load/);
  assert.throws(() => decodeFilter(assemble([ld(64), ret(0)])), /bad load/);
  const unknown = new Uint8Array(16);
  unknown[0] = 0xff;
  unknown[8] = 0x06;
  assert.throws(() => decodeFilter(unknown), /opcode 0xff/);
  const runaway = assemble([jeq(1, "end"), label("end"), ret(0)]);
  runaway[2] = 5;
  assert.throws(() => decodeFilter(runaway), /jump out/);
});
