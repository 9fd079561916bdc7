/**
 * Ways a piece of text leaves the bottle: URL query or path, a header, and bodies (raw,
 * JSON, JSON with \u escapes, form, multipart, base64 multipart part, gzip, brotli), each
 * run through the engine (bodies in random-sized chunks) to collect findings.
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import type { DlpEngine, DlpFinding } from "../types.ts";
import type { Rng } from "./random.ts";
import { unicodeEscapedJson } from "./corpus/carriers.ts";
import { latin1, utf8Bytes } from "../../../../lib/bytes.ts";

export type Carrier = (engine: DlpEngine, text: string, r: Rng) => DlpFinding[];

const HOST = "upload.example.net";

/** Pushes `data` in random-sized chunks (1 byte to 8 KiB) and ends. */
export function pushChunked(
  engine: DlpEngine,
  data: Uint8Array,
  contentType: string | null,
  contentEncoding: string | null,
  r: Rng,
): DlpFinding[] {
  const scan = engine.scanBody(HOST, contentType, contentEncoding);
  const findings: DlpFinding[] = [];
  for (let i = 0; i < data.length;) {
    const n = 1 + r.int(r.int(2) ? 64 : 8192);
    findings.push(...scan.push(data.subarray(i, i + n)));
    i += n;
  }
  findings.push(...scan.end());
  return findings;
}

/** A header value as the proxy hands it over: the UTF-8 bytes, one char per byte. */
function wire(text: string): string {
  return latin1(utf8Bytes(text));
}

export const CARRIERS: Record<string, Carrier> = {
  "url query": (e, t) => e.scanUrl(HOST, `/v1/items?id=42&q=${encodeURIComponent(t)}&page=2`),
  "url path": (e, t) => e.scanUrl(HOST, `/v1/notes/${encodeURIComponent(t)}/raw`),
  "header": (e, t) =>
    e.scanHeaders(HOST, [
      { name: "Accept", value: "*/*" },
      { name: "X-Note", value: wire(t.replace(/\r?\n/g, "\\n")) },
    ]),
  "raw body": (e, t, r) => pushChunked(e, utf8Bytes(`note:\n${t}\nend\n`), "text/plain", null, r),
  "json body": (e, t, r) =>
    pushChunked(e, utf8Bytes(JSON.stringify({ id: 1, note: t })), "application/json", null, r),
  "json \\u body": (e, t, r) =>
    pushChunked(e, utf8Bytes(unicodeEscapedJson(t)), "application/json", null, r),
  "form body": (e, t, r) =>
    pushChunked(
      e,
      utf8Bytes(`a=1&note=${encodeURIComponent(t)}&z=2`),
      "application/x-www-form-urlencoded",
      null,
      r,
    ),
  "multipart body": (e, t, r) =>
    pushChunked(
      e,
      utf8Bytes(
        `--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n` +
          `--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\n${t}\r\n--XyZ--\r\n`,
      ),
      "multipart/form-data; boundary=XyZ",
      null,
      r,
    ),
  "multipart base64 part": (e, t, r) =>
    pushChunked(
      e,
      utf8Bytes(
        `--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
          `${Buffer.from(`x ${t} y`, "utf8").toString("base64").replace(/.{76}/g, "$&\r\n")}` +
          `\r\n--b1--\r\n`,
      ),
      "multipart/mixed; boundary=b1",
      null,
      r,
    ),
  "gzip body": (e, t, r) =>
    pushChunked(e, zlib.gzipSync(utf8Bytes(`${t}\n`)), "text/plain", "gzip", r),
  "br body": (e, t, r) =>
    pushChunked(
      e,
      zlib.brotliCompressSync(utf8Bytes(JSON.stringify({ note: t }))),
      "application/json",
      "br",
      r,
    ),
};
