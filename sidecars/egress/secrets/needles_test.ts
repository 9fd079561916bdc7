import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { encodedNeedles } from "./encodings.ts";
import { findIn, replaceAll, StreamDetector, StreamReplacer } from "./needles.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const SECRET = "sk-live-0123456789abcdef";
const PLACEHOLDER = "bb-placeholder-api-test";

function replaceStream(input: string, chunkSize: number): string {
  const replacer = new StreamReplacer(encodedNeedles(SECRET, PLACEHOLDER, "api.test"));
  const bytes = te.encode(input);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    out.push(...replacer.push(bytes.subarray(i, i + chunkSize)));
  }
  out.push(...replacer.end());
  return td.decode(Buffer.concat(out));
}

Deno.test("needles: raw value replaced across every chunk split", () => {
  const input = `head ${SECRET} middle ${SECRET}${SECRET} tail`;
  const expected = `head ${PLACEHOLDER} middle ${PLACEHOLDER}${PLACEHOLDER} tail`;
  for (let size = 1; size <= input.length; size++) {
    assert.equal(replaceStream(input, size), expected, `chunk size ${size}`);
  }
});

Deno.test("needles: base64 forms are replaced, whole or inside longer base64", () => {
  const whole = btoa(SECRET);
  assert.equal(replaceStream(`{"t":"${whole}"}`, 7), `{"t":"${btoa(PLACEHOLDER)}"}`);
  const basic = btoa(`user:${SECRET}`);
  const out = replaceStream(`Basic ${basic}`, 5);
  assert.ok(!atob(out.slice(6).replace(/[^A-Za-z0-9+/]/g, "").slice(0, 32)).includes(SECRET));
  for (const prefix of ["", "a", "ab", "abc"]) {
    const encoded = btoa(prefix + SECRET + "zz");
    const redacted = replaceStream(encoded, 3);
    assert.notEqual(redacted, encoded, `offset ${prefix.length}`);
    assert.ok(!Buffer.from(redacted, "base64").toString("latin1").includes(SECRET));
  }
  const url = Buffer.from(`??${SECRET}>>`, "latin1").toString("base64url");
  assert.notEqual(replaceStream(url, 4), url);
});

Deno.test("needles: percent-encoded values", () => {
  const secret = "p@ss/w0rd+with=odd&chars";
  const replacer = new StreamReplacer(encodedNeedles(secret, "placeholder-x1", "r"));
  const text = `?token=${encodeURIComponent(secret)}`;
  const out = td.decode(Buffer.concat([...replacer.push(te.encode(text)), ...replacer.end()]));
  assert.equal(out, `?token=${encodeURIComponent("placeholder-x1")}`);
});

Deno.test("needles: replaceAll and findIn on header text", () => {
  const needles = encodedNeedles(SECRET, PLACEHOLDER, "api.test");
  assert.equal(replaceAll(`Bearer ${SECRET}`, needles), `Bearer ${PLACEHOLDER}`);
  assert.equal(findIn(`x ${btoa(SECRET)} y`, needles)?.label, "api.test");
  assert.equal(findIn("nothing here", needles), null);
});

Deno.test("needles: detector holds back a possible prefix and finds split needles", () => {
  const detector = new StreamDetector(encodedNeedles(PLACEHOLDER, PLACEHOLDER, "api.test"));
  assert.equal(detector.push(te.encode("0123456789")), null);
  assert.equal(detector.safeBytes, 10);
  assert.equal(detector.push(te.encode(`xx${PLACEHOLDER.slice(0, 5)}`)), null);
  assert.equal(detector.safeBytes, 12);
  assert.equal(detector.push(te.encode(PLACEHOLDER.slice(5)))?.label, "api.test");
  const clean = new StreamDetector(encodedNeedles(PLACEHOLDER, PLACEHOLDER, "x"));
  clean.push(te.encode("abc"));
  clean.end();
  assert.equal(clean.safeBytes, 3);
});

Deno.test("needles: only a tail that could start a needle is held back", () => {
  const replacer = new StreamReplacer(encodedNeedles(SECRET, PLACEHOLDER, "api.test"));
  const emitted = (chunk: string): string =>
    td.decode(Buffer.concat(replacer.push(te.encode(chunk))));
  assert.equal(emitted("data: one\n\n"), "data: one\n\n");
  assert.equal(emitted("token sk-li"), "token ");
  assert.equal(emitted("ve-0"), "");
  assert.equal(emitted("X done\n"), "sk-live-0X done\n");
  const detector = new StreamDetector(encodedNeedles(PLACEHOLDER, PLACEHOLDER, "x"));
  detector.push(te.encode("plain text"));
  assert.equal(detector.safeBytes, 10);
});

Deno.test("needles: no needles pass everything through", () => {
  const replacer = new StreamReplacer([]);
  assert.equal(td.decode(Buffer.concat(replacer.push(te.encode("abc")))), "abc");
});
