import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { unicodeEscapedJson } from "./carriers.ts";
import { base64, tarArchive, utf16, zipArchive } from "./encode.ts";
import { findLeaks, leakForms, type RecordedRequest, recordedViews } from "./leak.ts";
import { requestPieces } from "./wire.ts";
import { latin1, utf8Bytes } from "../../../../../lib/bytes.ts";

const SECRET = "ghp_Zx81LmQ0aBvW3yTt9nRk2PdFh6Jc4Ls7Ue5Gq0";

function record(
  body: Uint8Array | string,
  head = "POST /c1/x HTTP/1.1\r\nHost: h\r\n",
): RecordedRequest {
  return { head, body: typeof body === "string" ? utf8Bytes(body) : body };
}

function leaked(records: RecordedRequest[], wholeOnly = false, extra: string[] = []): string[] {
  return findLeaks(recordedViews(records), leakForms(SECRET, extra, wholeOnly));
}

Deno.test("corpus leak detector: finds a secret in every encoding a body can carry it in", () => {
  const doc = (lead: string): string => `${lead}token=${SECRET}\n`;
  const carriers: Array<[string, RecordedRequest]> = [
    ["raw", record(`x ${SECRET} y`)],
    ["json \\u", record(unicodeEscapedJson(SECRET))],
    ["url-encoded", record(`GET /c1/q?k=${encodeURIComponent(SECRET)} HTTP/1.1\r\n`)],
    ["base64 @0", record(base64(doc("")))],
    ["base64 @1", record(base64(doc("a")))],
    ["base64 @2", record(base64(doc("ab")))],
    ["base64url", record(Buffer.from(doc("abc")).toString("base64url"))],
    ["hex", record(Buffer.from(doc("")).toString("hex").toUpperCase())],
    ["double base64", record(base64(base64(doc("a"))))],
    ["base64 of gzip", record(base64(zlib.gzipSync(utf8Bytes(doc("")))))],
    [
      "gzip content-encoding",
      record(
        zlib.gzipSync(utf8Bytes(doc(""))),
        "POST /c1/x HTTP/1.1\r\nContent-Encoding: gzip\r\n",
      ),
    ],
    [
      "br content-encoding",
      record(
        zlib.brotliCompressSync(utf8Bytes(doc(""))),
        "POST /c1/x HTTP/1.1\r\nContent-Encoding: br\r\n",
      ),
    ],
    ["zip member", record(zipArchive([["a.txt", "hello"], [".env", doc("")]]))],
    ["tar.gz member", record(zlib.gzipSync(tarArchive([[".env", doc("")]])))],
    ["utf-16le", record(utf16(JSON.stringify({ note: SECRET }), "le", true))],
    ["utf-16be", record(utf16(JSON.stringify({ note: SECRET }), "be"))],
    ["first half only", record(`{"a":"${SECRET.slice(0, 21)}"}`)],
    ["second half only", record(`{"b":"${SECRET.slice(21)}"}`)],
  ];
  for (const [name, r] of carriers) assert.notDeepEqual(leaked([r]), [], name);
  // A compressed upload cut off by the block: what did arrive is decoded as far as it goes.
  const noise = Buffer.from(crypto.getRandomValues(new Uint8Array(6000))).toString("hex");
  const gz = zlib.gzipSync(utf8Bytes(doc("") + noise));
  const cut = record(
    gz.subarray(0, gz.length / 2),
    "POST /c1/x HTTP/1.1\r\nContent-Encoding: gzip\r\n",
  );
  assert.notDeepEqual(leaked([cut]), [], "cut-off gzip");
  // Whole forms only: a half is not reported, the whole is.
  assert.deepEqual(leaked([record(SECRET.slice(0, 21))], true), []);
  assert.notDeepEqual(leaked([record(SECRET)], true), []);
  // Case forms (a reversed secret).
  const reversed = [...SECRET].reverse().join("");
  assert.notDeepEqual(leaked([record(reversed)], false, [reversed]), []);
});

Deno.test("corpus leak detector: nothing in unrelated traffic", () => {
  const body = JSON.stringify({
    a: base64("hello world, nothing to see here"),
    b: "ghp_",
    c: "0123456789abcdef",
  });
  assert.deepEqual(leaked([record(body)]), []);
  assert.deepEqual(leaked([record(zlib.gzipSync(utf8Bytes("ghp_ only a prefix")))]), []);
});

Deno.test("corpus wire: chunked bodies are framed in small chunks and end with 0", () => {
  const body = utf8Bytes("abcdefghijklmnopqrstuvwxyz".repeat(3));
  const pieces = requestPieces(
    { method: "POST", path: "/p", headers: [], body, chunkSize: 5 },
    "/p",
    "h:1",
  );
  const wire = pieces.map(latin1).join("");
  assert.match(wire, /^POST \/p HTTP\/1\.1\r\nHost: h:1\r\nTransfer-Encoding: chunked\r\n\r\n/);
  const frames = wire.slice(wire.indexOf("\r\n\r\n") + 4);
  let rest = frames;
  let content = "";
  for (let i = 0; i < 1000; i++) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    assert.ok(size <= 5);
    if (size === 0) break;
    content += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
  assert.equal(content, latin1(body));
  assert.ok(frames.endsWith("0\r\n\r\n"));
  assert.ok(pieces.length > 3, "written in several pieces");
});
