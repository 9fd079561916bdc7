import assert from "node:assert/strict";
import { createDlpEngine } from "./engine.ts";
import { multipartBoundary, parseMultipart } from "./multipart.ts";
import { Rng } from "./testing/random.ts";
import { sample } from "./testing/samples.ts";

const SECRET = "Bottle-Route-Secret-0123456789";
const engine = createDlpEngine({
  rules: {},
  bottleSecrets: [{ id: "route", value: SECRET }],
  maxBodyBytes: 1 << 20,
});
const token = sample("github-pat", new Rng(3)).text;

function rules(findings: { rule: string }[]): string[] {
  return findings.map((f) => f.rule);
}

Deno.test("url: path, query, double encoding, host labels, splits", () => {
  const enc = encodeURIComponent;
  assert.deepEqual(rules(engine.scanUrl("h", `/x/${token}/y`)), ["github-pat"]);
  assert.deepEqual(rules(engine.scanUrl("h", `/x?t=${enc(enc(token))}`)), ["github-pat"]);
  assert.deepEqual(rules(engine.scanUrl("h", `/x?a=${token.slice(0, 9)}&b=${token.slice(9)}`)), [
    "github-pat",
  ]);
  assert.deepEqual(rules(engine.scanUrl("h", `/${token.slice(0, 20)}/${token.slice(20)}`)), [
    "github-pat",
  ]);
  const long = "a long note ".repeat(50);
  assert.deepEqual(
    rules(engine.scanUrl("h", `/x?q=${enc(long + token.slice(0, 9))}&q=${token.slice(9)}`)),
    ["github-pat"],
  );
  assert.deepEqual(rules(engine.scanUrl("h", `/x?${token.slice(0, 12)}=${token.slice(12)}`)), [
    "github-pat",
  ]);
  assert.deepEqual(
    rules(engine.scanUrl(`${SECRET.slice(0, 12)}.${SECRET.slice(12)}.evil.example`, "/")),
    [
      "bottle-secret:route",
    ],
  );
  const where = engine.scanUrl("h", `/?q=${SECRET}`)[0];
  assert.equal(where.where, "url");
  assert.ok(!where.detail.includes(SECRET));
});

Deno.test("headers: names and values, Basic credentials, split values", () => {
  assert.deepEqual(rules(engine.scanHeaders("h", [{ name: `X-${token}`, value: "1" }])), [
    "github-pat",
  ]);
  const basic = `Basic ${btoa(`x:${token}`)}`;
  assert.deepEqual(rules(engine.scanHeaders("h", [{ name: "authorization", value: basic }])), [
    "github-pat",
  ]);
  const proxy = `Basic ${btoa(`${SECRET}:x`)}`;
  assert.deepEqual(
    rules(engine.scanHeaders("h", [{ name: "Proxy-Authorization", value: proxy }])),
    [
      "bottle-secret:route",
    ],
  );
  const split = [
    { name: "X-A", value: SECRET.slice(0, 10) },
    { name: "X-B", value: SECRET.slice(10) },
  ];
  assert.deepEqual(rules(engine.scanHeaders("h", split)), ["bottle-secret:route"]);
  assert.deepEqual(
    rules(engine.scanHeaders("h", [{ name: "Cookie", value: `s=${encodeURIComponent(SECRET)}` }])),
    [
      "bottle-secret:route",
    ],
  );
});

Deno.test("multipart: boundary parameter and parts with transfer encodings", () => {
  assert.equal(multipartBoundary('multipart/form-data; charset=x; boundary="a b"'), "a b");
  assert.equal(multipartBoundary("multipart/mixed;boundary=xyz"), "xyz");
  assert.equal(multipartBoundary("multipart/mixed"), null);
  const body = "preamble\r\n--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
    "--xyz\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n" +
    "--xyz\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n--xyz--\r\n";
  const parts = parseMultipart(body, "xyz");
  assert.deepEqual(parts.map((p) => [p.content, p.transferDecoded]), [
    ["hello", false],
    ["hi", true],
    ["a=bc", true],
  ]);
  assert.equal(parts[0].contentType, "text/plain");
});
