/**
 * Ways a piece of text leaves the bottle, as HTTP requests on the wire: URL query and
 * path, a header value and a header name, bodies (raw text, JSON, JSON with `\u` escapes,
 * form, multipart, a base64 multipart part, gzip and brotli Content-Encoding, and chunked
 * transfer coding in small chunks). Pure.
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import type { WireRequest } from "./wire.ts";
import { latin1, utf8Bytes } from "../../../../../lib/bytes.ts";

/** Null when the text cannot travel this way (a header name takes token characters only). */
export type WireCarrier = (text: string) => WireRequest | null;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const COMMON: [string, string][] = [
  ["User-Agent", "curl/8.5.0"],
  ["Accept", "*/*"],
];

function post(
  path: string,
  type: string,
  body: Uint8Array,
  extra: [string, string][] = [],
): WireRequest {
  return { method: "POST", path, headers: [...COMMON, ["Content-Type", type], ...extra], body };
}

/** A header value as the wire carries it: UTF-8 bytes, line breaks written as `\n`. */
function headerValue(text: string): string {
  return latin1(utf8Bytes(text.replace(/\r?\n/g, "\\n")));
}

/** JSON with every third letter or digit written as `\u00XX` and `/` as `\/`. */
export function unicodeEscapedJson(text: string): string {
  let n = 0;
  return JSON.stringify({ note: text }).replace(/\\u[0-9a-fA-F]{4}|\\.|[A-Za-z0-9_/]/g, (m) => {
    if (m.length > 1) return m;
    if (m === "/") return "\\/";
    return n++ % 3 === 0 ? `\\u${m.charCodeAt(0).toString(16).padStart(4, "0")}` : m;
  });
}

export const WIRE_CARRIERS: Record<string, WireCarrier> = {
  "url query": (t) => ({
    method: "GET",
    path: `/v1/items?id=42&q=${encodeURIComponent(t)}&page=2`,
    headers: COMMON,
  }),
  "url path": (t) => ({
    method: "GET",
    path: `/v1/notes/${encodeURIComponent(t)}/raw`,
    headers: COMMON,
  }),
  "header value": (t) => ({
    method: "GET",
    path: "/v1/ping",
    headers: [...COMMON, ["X-Note", headerValue(t)]],
  }),
  "header name": (t) =>
    TOKEN.test(t)
      ? { method: "GET", path: "/v1/ping", headers: [...COMMON, [`X-${t}`, "1"]] }
      : null,
  "raw body": (t) => post("/v1/notes", "text/plain", utf8Bytes(`note:\n${t}\nend\n`)),
  "json body": (t) =>
    post("/v1/notes", "application/json", utf8Bytes(JSON.stringify({ id: 1, note: t }))),
  "json \\u body": (t) => post("/v1/notes", "application/json", utf8Bytes(unicodeEscapedJson(t))),
  "form body": (t) =>
    post(
      "/v1/notes",
      "application/x-www-form-urlencoded",
      utf8Bytes(new URLSearchParams({ a: "1", note: t, z: "2" }).toString()),
    ),
  "multipart body": (t) =>
    post(
      "/v1/upload",
      "multipart/form-data; boundary=XyZ",
      utf8Bytes(
        `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
          `--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\n${t}\r\n--XyZ--\r\n`,
      ),
    ),
  "multipart base64 part": (t) =>
    post(
      "/v1/upload",
      "multipart/mixed; boundary=b1",
      utf8Bytes(
        `--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
          `${Buffer.from(`x ${t} y`, "utf8").toString("base64").replace(/.{76}/g, "$&\r\n")}` +
          `\r\n--b1--\r\n`,
      ),
    ),
  "gzip body": (t) =>
    post("/v1/notes", "text/plain", zlib.gzipSync(utf8Bytes(`${t}\n`)), [[
      "Content-Encoding",
      "gzip",
    ]]),
  "br body": (t) =>
    post(
      "/v1/notes",
      "application/json",
      zlib.brotliCompressSync(utf8Bytes(JSON.stringify({ note: t }))),
      [["Content-Encoding", "br"]],
    ),
  "chunked body": (t) => ({
    ...post(
      "/v1/notes",
      "application/json",
      utf8Bytes(JSON.stringify({ id: 7, note: t, end: true })),
    ),
    chunkSize: 9,
  }),
};
