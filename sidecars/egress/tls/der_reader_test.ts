import assert from "node:assert/strict";
import { explicit, octetString, oid, sequence, smallInteger, time, tlv } from "./der.ts";
import {
  children,
  DerError,
  expectTag,
  readOid,
  readOnly,
  readTime,
  readTlv,
} from "./der_reader.ts";

const bytes = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

Deno.test("der reader: walks what the encoder writes", () => {
  const der = sequence(
    explicit(0, smallInteger(2)),
    octetString(new Uint8Array(200)),
    oid("2.5.29.14"),
  );
  const top = readOnly(der);
  assert.equal(top.tag, 0x30);
  assert.deepEqual(top.der, der);
  const [version, octets, id] = children(top);
  assert.equal(version.tag, 0xa0);
  assert.deepEqual(children(version)[0].content, Uint8Array.of(2));
  assert.equal(octets.content.length, 200);
  assert.equal(octets.der.length, 203);
  assert.equal(readOid(id), "2.5.29.14");
  assert.equal(expectTag(id, 0x06, "id"), id);
  assert.throws(() => expectTag(id, 0x04, "id"), /id: expected tag 0x04, got 0x06/);
});

Deno.test("der reader: OIDs round-trip", () => {
  for (
    const dotted of ["1.2.840.10045.4.3.2", "2.5.4.3", "1.3.6.1.5.5.7.3.1", "2.999.3", "0.9.2342"]
  ) {
    assert.equal(readOid(readOnly(oid(dotted))), dotted);
  }
  assert.throws(() => readOid(readOnly(bytes("06022a86"))), DerError);
  assert.throws(() => readOid(readOnly(bytes("0600"))), DerError);
});

Deno.test("der reader: times round-trip, UTCTime years 50-99 are 19xx", () => {
  for (
    const ms of [
      Date.UTC(2030, 5, 30, 12, 0, 1),
      Date.UTC(2050, 0, 1),
      Date.UTC(1999, 11, 31, 23, 59, 59),
    ]
  ) {
    assert.equal(readTime(readOnly(time(new Date(ms)))).getTime(), ms);
  }
  const utc = (text: string): Uint8Array => tlv(0x17, new TextEncoder().encode(text));
  assert.equal(readTime(readOnly(utc("500101000000Z"))).getTime(), Date.UTC(1950, 0, 1));
  assert.equal(
    readTime(readOnly(utc("491231235959Z"))).getTime(),
    Date.UTC(2049, 11, 31, 23, 59, 59),
  );
  for (
    const bad of ["500101000000", "5001010000Z", "501301000000Z", "010229000000Z", "500101246000Z"]
  ) {
    assert.throws(() => readTime(readOnly(utc(bad))), DerError, bad);
  }
  assert.throws(() => readTime(readOnly(smallInteger(1))), DerError);
});

Deno.test("der reader: rejects what is not DER", () => {
  assert.throws(() => readTlv(new Uint8Array(0)), /no TLV/);
  assert.throws(() => readTlv(bytes("30")), /truncated length/);
  assert.throws(() => readTlv(bytes("3080")), /indefinite/);
  assert.throws(() => readTlv(bytes("30050101ff")), /runs past the end/);
  assert.throws(() => readTlv(bytes("308103010101")), /long-form length/);
  assert.throws(() => readTlv(bytes("3085ffffffffff")), /too long/);
  assert.throws(() => readTlv(bytes("1f0100")), /high tag/);
  assert.throws(() => readOnly(bytes("05000500")), /trailing bytes/);
  assert.throws(() => children(readOnly(bytes("0500"))), /not constructed/);
  assert.throws(() => children(readOnly(bytes("3003050001"))), DerError);
});
