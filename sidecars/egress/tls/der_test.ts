import assert from "node:assert/strict";
import {
  bitString,
  boolean,
  compareBytes,
  encodeLength,
  explicit,
  ia5String,
  implicit,
  namedBits,
  octetString,
  oid,
  printableString,
  sequence,
  set,
  smallInteger,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from "./der.ts";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

Deno.test("der: lengths in short and minimal long form", () => {
  assert.equal(hex(encodeLength(0)), "00");
  assert.equal(hex(encodeLength(127)), "7f");
  assert.equal(hex(encodeLength(128)), "8180");
  assert.equal(hex(encodeLength(255)), "81ff");
  assert.equal(hex(encodeLength(256)), "820100");
  assert.equal(hex(encodeLength(70_000)), "83011170");
  assert.throws(() => encodeLength(-1), RangeError);
  const long = tlv(0x04, new Uint8Array(300));
  assert.equal(hex(long.subarray(0, 4)), "0482012c");
  assert.equal(long.length, 304);
  assert.throws(() => tlv(0x1f, new Uint8Array(0)), RangeError);
});

Deno.test("der: INTEGER from bytes is minimal and positive", () => {
  assert.equal(hex(unsignedInteger(bytes("00000102"))), "02020102");
  assert.equal(hex(unsignedInteger(bytes("80"))), "02020080");
  assert.equal(hex(unsignedInteger(bytes("0080"))), "02020080");
  assert.equal(hex(unsignedInteger(bytes("7f"))), "02017f");
  assert.equal(hex(unsignedInteger(bytes("0000"))), "020100");
  assert.equal(hex(unsignedInteger(new Uint8Array(0))), "020100");
  assert.equal(hex(smallInteger(0)), "020100");
  assert.equal(hex(smallInteger(2)), "020102");
  assert.equal(hex(smallInteger(128)), "02020080");
  assert.equal(hex(smallInteger(65_537)), "0203010001");
  assert.throws(() => smallInteger(-1), RangeError);
});

Deno.test("der: OIDs, including multi-byte arcs", () => {
  assert.equal(hex(oid("1.2.840.10045.4.3.2")), "06082a8648ce3d040302");
  assert.equal(hex(oid("2.5.29.17")), "0603551d11");
  assert.equal(hex(oid("1.3.6.1.5.5.7.3.1")), "06082b06010505070301");
  assert.equal(hex(oid("2.999.3")), "0603883703");
  for (const bad of ["", "1", "3.1", "1.40", "1..2", "1.2.x"]) {
    assert.throws(() => oid(bad), RangeError, bad);
  }
});

Deno.test("der: BIT STRING, named bits, OCTET STRING, BOOLEAN", () => {
  assert.equal(hex(bitString(bytes("0a0b"))), "0303000a0b");
  assert.equal(hex(bitString(bytes("80"), 7)), "03020780");
  assert.throws(() => bitString(bytes("81"), 7), RangeError);
  assert.throws(() => bitString(new Uint8Array(0), 1), RangeError);
  // KeyUsage: digitalSignature is bit 0; keyCertSign (5) + cRLSign (6) as openssl writes it.
  assert.equal(hex(namedBits([0])), "03020780");
  assert.equal(hex(namedBits([5, 6])), "03020106");
  assert.equal(hex(namedBits([8])), "0303070080");
  assert.equal(hex(namedBits([])), "030100");
  assert.equal(hex(octetString(bytes("0102"))), "04020102");
  assert.equal(hex(boolean(true)), "0101ff");
  assert.equal(hex(boolean(false)), "010100");
});

Deno.test("der: strings", () => {
  assert.equal(hex(utf8String("é")), "0c02c3a9");
  assert.equal(hex(printableString("Ab 1")), "130441622031");
  assert.throws(() => printableString("a@b"), RangeError);
  assert.equal(hex(ia5String("a.b")), "1603612e62");
  assert.throws(() => ia5String("ä"), RangeError);
});

Deno.test("der: UTCTime before 2050, GeneralizedTime from 2050 (and before 1950)", () => {
  const text = (der: Uint8Array): string => new TextDecoder().decode(der.subarray(2));
  const utc = time(new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)));
  assert.equal(utc[0], 0x17);
  assert.equal(text(utc), "300102030405Z");
  assert.equal(text(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59)))), "491231235959Z");
  const generalized = time(new Date(Date.UTC(2050, 0, 1)));
  assert.equal(generalized[0], 0x18);
  assert.equal(text(generalized), "20500101000000Z");
  assert.equal(text(time(new Date(Date.UTC(1950, 0, 1)))), "500101000000Z");
  assert.equal(time(new Date(Date.UTC(1949, 11, 31)))[0], 0x18);
  assert.throws(() => time(new Date(NaN)), RangeError);
});

Deno.test("der: SEQUENCE, sorted SET OF, context tags", () => {
  assert.equal(hex(sequence()), "3000");
  assert.equal(hex(sequence(smallInteger(1), boolean(true))), "30060201010101ff");
  assert.equal(hex(set(smallInteger(2), smallInteger(1))), "3106020101020102");
  assert.equal(hex(explicit(0, smallInteger(2))), "a003020102");
  assert.equal(hex(explicit(3, sequence())), "a3023000");
  assert.equal(hex(implicit(2, bytes("6162"))), "82026162");
  assert.equal(hex(implicit(7, bytes("7f000001"))), "87047f000001");
  assert.equal(hex(implicit(1, bytes("3000"), true)), "a1023000");
  assert.throws(() => explicit(31, sequence()), RangeError);
});

Deno.test("der: byte order for SET OF", () => {
  assert.ok(compareBytes(bytes("01"), bytes("02")) < 0);
  assert.ok(compareBytes(bytes("0102"), bytes("01")) > 0);
  assert.equal(compareBytes(bytes("0102"), bytes("0102")), 0);
});
