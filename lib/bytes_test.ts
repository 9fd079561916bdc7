import { Buffer } from "node:buffer";
import { assertEquals } from "../tests/assert.ts";
import { base64Core, concat, hex, latin1, latin1Bytes, utf8, utf8Bytes } from "./bytes.ts";

const ALL = Uint8Array.from({ length: 256 }, (_, i) => i);

Deno.test("bytes: latin1 is one char per byte, every byte, both ways", () => {
  const text = latin1(ALL);
  assertEquals(text.length, 256);
  assertEquals([...text].map((c) => c.charCodeAt(0)), [...ALL]);
  assertEquals(latin1(ALL.subarray(0x80, 0xa0)).charCodeAt(0), 0x80, "not windows-1252");
  assertEquals(latin1Bytes(text), ALL);
  assertEquals(latin1Bytes("\u0141"), Uint8Array.of(0x41), "beyond U+00FF: the low byte");
  assertEquals(latin1(ALL.subarray(65, 68)), "ABC", "a view at an offset");
});

Deno.test("bytes: utf8 both ways; invalid input is replaced, not thrown", () => {
  assertEquals(utf8(utf8Bytes("é 😀")), "é 😀");
  assertEquals(utf8Bytes("é"), Uint8Array.of(0xc3, 0xa9));
  assertEquals(utf8(Uint8Array.of(0x61, 0xff)), "a\ufffd");
});

Deno.test("bytes: hex is lower case, two digits a byte", () => {
  assertEquals(hex(Uint8Array.of(0, 15, 16, 255)), "000f10ff");
  assertEquals(hex(new Uint8Array()), "");
  assertEquals(hex(ALL.subarray(254)), "feff");
});

Deno.test("bytes: concat joins the parts in a new array, even one part", () => {
  const one = Uint8Array.of(1, 2);
  assertEquals(concat([one, new Uint8Array(), ALL.subarray(3, 5)]), Uint8Array.of(1, 2, 3, 4));
  assertEquals(concat([]), new Uint8Array());
  const copy = concat([one]);
  copy[0] = 9;
  assertEquals(one[0], 1);
});

Deno.test("bytes: a base64 core is what every text with the bytes at that offset holds", () => {
  const secret = "\xfbsecret-value\xff";
  for (const offset of [0, 1, 2]) {
    for (const alphabet of ["base64", "base64url"] as const) {
      const core = base64Core(secret, offset, alphabet);
      assertEquals(core.length >= Math.floor((8 * secret.length) / 6) - 1, true);
      for (const before of ["", "abc", "abcdef"]) {
        if (before.length % 3 !== offset) continue;
        for (const after of ["", "x", "xy", "xyz"]) {
          const text = Buffer.from(before + secret + after, "latin1").toString(alphabet);
          assertEquals(text.includes(core), true, `${alphabet} ${offset} ${before} ${after}`);
        }
      }
    }
  }
  assertEquals(base64Core("abc", 0), "YWJj");
  assertEquals(base64Core("abc", 1), "FiY");
});
