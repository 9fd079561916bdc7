import { assertEquals } from "../tests/assert.ts";
import { hex, latin1, latin1Bytes, utf8, utf8Bytes } from "./bytes.ts";

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
