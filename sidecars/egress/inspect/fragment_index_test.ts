import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  FragmentIndex,
  type GramHit,
  minFragmentBytes,
  publicPrefixLength,
} from "./fragment_index.ts";

const KEY = "sk-ant-api03-Xq7Lm2Vb9Rt4Wz1Kc8Np3Hs6Jd5Gf0Ya";
const PRIVATE = KEY.slice("sk-ant-api03-".length);

function hits(index: FragmentIndex, text: string): GramHit[] {
  const out: GramHit[] = [];
  index.scan(Buffer.from(text, "latin1"), 0, (hit) => out.push(hit));
  return out;
}

function covered(found: GramHit[]): [number, number] {
  return [Math.min(...found.map((h) => h.from)), Math.max(...found.map((h) => h.to))];
}

Deno.test("fragments: public prefixes are not part of what is tracked", () => {
  assert.equal(publicPrefixLength(KEY, "x-api-key"), "sk-ant-api03-".length);
  assert.equal(publicPrefixLength("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "bearer"), 6);
  assert.equal(publicPrefixLength("github_pat_11ABCDEFG0abcdefghij_xyz", "bearer"), 11);
  assert.equal(publicPrefixLength("AIzaSyB1234567890abcdefghijklmnopqrs", "bearer"), 6);
  assert.equal(publicPrefixLength("ci-user:s3cretPassw0rdXYZ", "basic"), 8);
});

Deno.test("fragments: a fragment carries about 44 bits of the secret's alphabet", () => {
  assert.equal(minFragmentBytes(PRIVATE), 8);
  assert.equal(minFragmentBytes("0123456789abcdef0123456789abcdef"), 11);
  assert.equal(minFragmentBytes("01234567890123456789"), 14);
  assert.equal(minFragmentBytes("abcdefghijklmnopqrstuvwxyz0123"), 9);
});

Deno.test("fragments: pieces are found verbatim, in hex and in base64 at any alignment", () => {
  const index = new FragmentIndex([{ id: "api.test", value: KEY, scheme: "x-api-key" }]);
  assert.equal(index.secrets[0].minBytes, 8);
  const piece = PRIVATE.slice(5, 20);
  const forms: [string, string][] = [
    ["raw", `q=${piece}&x=1`],
    ["hex", `data ${Buffer.from(piece).toString("hex")} end`],
    ["hex", `data ${Buffer.from(piece).toString("hex").toUpperCase()} end`],
  ];
  for (const pad of ["", "a", "ab"]) {
    forms.push(["base64", `"${Buffer.from(pad + piece).toString("base64")}"`]);
    forms.push(["base64", `${Buffer.from(pad + piece + "??>").toString("base64url")}.`]);
  }
  for (const [form, text] of forms) {
    // A base64url form equal to the base64 one is searched (and reported) once, as base64.
    const found = hits(index, text).filter((h) => h.form.startsWith(form));
    assert.ok(found.length > 0, `${form}: ${text}`);
    const [from, to] = covered(found);
    assert.ok(from >= 5 && from <= 6 && to >= 19 && to <= 20, `${form}: ${from}..${to}`);
  }
});

Deno.test("fragments: short pieces, the public prefix and other text are not fragments", () => {
  const index = new FragmentIndex([{ id: "api.test", value: KEY, scheme: "x-api-key" }]);
  assert.deepEqual(hits(index, `${KEY.slice(0, 13 + 7)} ${PRIVATE.slice(20, 27)}`), []);
  assert.deepEqual(hits(index, "sk-ant-api03-sk-ant-api03-sk-ant-api03-"), []);
  const random = crypto.getRandomValues(new Uint8Array(1 << 16));
  const found: GramHit[] = [];
  index.scan(random, 0, (hit) => found.push(hit));
  index.scan(Buffer.from(Buffer.from(random).toString("base64")), 0, (hit) => found.push(hit));
  assert.deepEqual(found, []);
});

Deno.test("fragments: `fresh` reports only windows ending in the new bytes", () => {
  const index = new FragmentIndex([{ id: "api.test", value: KEY, scheme: "x-api-key" }]);
  const text = Buffer.from(`xx${PRIVATE.slice(0, 12)}yy`, "latin1");
  const all: GramHit[] = [];
  index.scan(text, 0, (hit) => all.push(hit));
  const late: GramHit[] = [];
  index.scan(text, 2 + 10, (hit) => late.push(hit));
  assert.deepEqual(all.map((h) => h.at), [2, 3, 4, 5, 6]);
  assert.deepEqual(late.map((h) => h.at), [5, 6]);
});

Deno.test("fragments: secrets too short to split are not tracked", () => {
  const index = new FragmentIndex([{ id: "a", value: "sk-ab-Xq7Lm2Vb9Rt", scheme: "bearer" }]);
  assert.deepEqual(index.secrets, [{ id: "a", length: 11, minBytes: 8 }]);
  // Ten digits carry less than a fragment's worth of chance.
  assert.ok(new FragmentIndex([{ id: "a", value: "sk-ab-0123456789", scheme: "bearer" }]).empty);
});
