/**
 * Response redaction: real secret values (any wire form) become their placeholders in
 * response headers and bodies. Compressed bodies are decoded to be searched and go to the
 * client identity-encoded.
 */

import { type HeaderField, headerList, type ResponseHead } from "../http/mod.ts";
import { type Needle, replaceAll, StreamReplacer } from "../secrets/mod.ts";
import { concat } from "../../../lib/bytes.ts";

/** Content codings the proxy can decode, by their HTTP names. */
const DECODABLE = new Set(["gzip", "x-gzip", "deflate", "br"]);

/** Only codings the proxy can decode may be asked for while it redacts. */
export function acceptEncodingWeCanDecode(headers: HeaderField[]): HeaderField[] {
  const out = headers.filter((h) => h.name.toLowerCase() !== "accept-encoding");
  const kept = headerList(headers, "accept-encoding").filter((item) => {
    const coding = item.split(";")[0].trim().toLowerCase();
    return DECODABLE.has(coding) || coding === "identity";
  });
  if (kept.length > 0) out.push({ name: "Accept-Encoding", value: kept.join(", ") });
  return out;
}

export type Codings = { ok: true; codings: string[] } | { ok: false; coding: string };

/** The response's content codings in the order they were applied (identity left out). */
export function contentCodings(headers: HeaderField[]): Codings {
  const codings = headerList(headers, "content-encoding").map((c) => c.toLowerCase())
    .filter((c) => c !== "identity");
  const unknown = codings.find((c) => !DECODABLE.has(c));
  return unknown === undefined ? { ok: true, codings } : { ok: false, coding: unknown };
}

/**
 * The head sent to the client: header values redacted; when a body follows, its framing
 * and coding headers replaced (the body is re-framed, decoded and may change length).
 */
export function redactedHead(
  head: ResponseHead,
  needles: readonly Needle[],
  body: "none" | "chunked" | "close",
  decoded: boolean,
): ResponseHead {
  const dropped = new Set(
    body === "none" ? [] : ["content-length", "transfer-encoding", "content-md5", "digest"],
  );
  if (body !== "none" && decoded) dropped.add("content-encoding");
  const headers = head.headers
    .filter((h) => !dropped.has(h.name.toLowerCase()))
    .map((h) => ({ name: h.name, value: replaceAll(h.value, needles) }));
  if (body === "chunked") headers.push({ name: "Transfer-Encoding", value: "chunked" });
  return { ...head, reason: replaceAll(head.reason, needles), headers };
}

/** Decodes `codings` (applied in this order) off a byte stream. */
export function decoded(
  source: ReadableStream<Uint8Array>,
  codings: string[],
): ReadableStream<Uint8Array> {
  let stream = source;
  for (const coding of [...codings].reverse()) {
    stream = stream.pipeThrough(decoder(coding));
  }
  return stream;
}

function decoder(coding: string): TransformStream<Uint8Array, Uint8Array> {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return asTransform(new DecompressionStream("gzip"));
    case "br":
      return asTransform(new DecompressionStream("brotli" as CompressionFormat));
    default:
      return inflateEitherWay();
  }
}

function asTransform(
  stream: DecompressionStream,
): TransformStream<Uint8Array, Uint8Array> {
  // Deno types DecompressionStream's readable as Uint8Array<ArrayBuffer> and its writable as
  // BufferSource; it is a byte transform both ways, which the pipeline's type says.
  return stream as unknown as TransformStream<Uint8Array, Uint8Array>;
}

/**
 * `deflate` is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw
 * deflate: the first two bytes tell which.
 */
function inflateEitherWay(): TransformStream<Uint8Array, Uint8Array> {
  let head = new Uint8Array(0);
  let writer: WritableStreamDefaultWriter<BufferSource> | null = null;
  let pumping: Promise<void> = Promise.resolve();
  const start = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    const zlibWrapped = head.length >= 2 && (head[0] & 0x0f) === 8 &&
      ((head[0] << 8) | head[1]) % 31 === 0;
    const inner = new DecompressionStream(zlibWrapped ? "deflate" : "deflate-raw");
    writer = inner.writable.getWriter();
    pumping = (async (): Promise<void> => {
      for await (const piece of inner.readable) controller.enqueue(piece);
    })();
  };
  return new TransformStream({
    async transform(chunk, controller): Promise<void> {
      if (writer === null) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        head = joined;
        if (head.length < 2) return;
        start(controller);
        chunk = head;
      }
      await writer!.write(chunk as Uint8Array<ArrayBuffer>);
    },
    async flush(controller): Promise<void> {
      if (writer === null) {
        start(controller);
        if (head.length > 0) await writer!.write(head as Uint8Array<ArrayBuffer>);
      }
      await writer!.close();
      await pumping;
    },
  });
}

/** A stream transform replacing every needle (see StreamReplacer). */
export function redacting(
  needles: readonly Needle[],
  replaced: Set<string>,
): TransformStream<Uint8Array, Uint8Array> {
  const replacer = new StreamReplacer(needles);
  const emit = (
    parts: Uint8Array[],
    controller: TransformStreamDefaultController<Uint8Array>,
  ): void => {
    const piece = joined(parts);
    if (piece.length > 0) controller.enqueue(piece);
    for (const label of replacer.replaced) replaced.add(label);
  };
  return new TransformStream({
    transform(chunk, controller): void {
      emit(replacer.push(chunk), controller);
    },
    flush(controller): void {
      emit(replacer.end(), controller);
    },
  });
}

/** The pieces as one array (no copy when there is only one). */
export function joined(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0] : concat(parts);
}
