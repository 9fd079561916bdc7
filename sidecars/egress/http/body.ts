/**
 * HTTP/1.x message framing (RFC 9112 §6): where a body ends, and chunked coding. The proxy
 * relays unchecked bodies byte-for-byte (chunked stays chunked), so it only has to find the
 * end; bodies it checks or redacts are re-chunked with chunkFrame.
 * Ambiguous framing that could smuggle a second request is refused. Pure.
 */

import { latin1Bytes } from "../../../lib/bytes.ts";
import { type HeaderField, headerList, type RequestHead, type ResponseHead } from "./head.ts";

export type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  /** The body runs until the sender closes the connection (responses only). */
  | { kind: "close" };

export type FramingResult = { ok: true; framing: Framing } | { ok: false; message: string };

export function requestFraming(head: RequestHead): FramingResult {
  const te = transferCodings(head.headers);
  const lengths = headerList(head.headers, "content-length");
  if (te.length > 0) {
    if (lengths.length > 0) {
      return { ok: false, message: "both Transfer-Encoding and Content-Length are present" };
    }
    if (te[te.length - 1] !== "chunked" || te.indexOf("chunked") !== te.length - 1) {
      return { ok: false, message: "request Transfer-Encoding must end in a single chunked" };
    }
    return { ok: true, framing: { kind: "chunked" } };
  }
  return lengthFraming(lengths, { kind: "none" });
}

export function responseFraming(head: ResponseHead, requestMethod: string): FramingResult {
  if (
    requestMethod === "HEAD" || (head.status >= 100 && head.status < 200) ||
    head.status === 204 || head.status === 304
  ) {
    return { ok: true, framing: { kind: "none" } };
  }
  const te = transferCodings(head.headers);
  if (te.length > 0) {
    return {
      ok: true,
      framing: te[te.length - 1] === "chunked" ? { kind: "chunked" } : { kind: "close" },
    };
  }
  return lengthFraming(headerList(head.headers, "content-length"), { kind: "close" });
}

function transferCodings(headers: HeaderField[]): string[] {
  return headerList(headers, "transfer-encoding").map((v) => v.toLowerCase());
}

function lengthFraming(lengths: string[], otherwise: Framing): FramingResult {
  if (lengths.length === 0) return { ok: true, framing: otherwise };
  if (!lengths.every((v) => v === lengths[0]) || !/^\d{1,15}$/.test(lengths[0])) {
    return { ok: false, message: "invalid Content-Length" };
  }
  const length = Number(lengths[0]);
  return { ok: true, framing: length === 0 ? { kind: "none" } : { kind: "length", length } };
}

export class FramingError extends Error {
  override name = "FramingError";
}

const MAX_CHUNK_LINE = 4096;
const MAX_TRAILER_BYTES = 64 * 1024;

/** What one `feed` found in a chunk. */
export interface Fed {
  /** Bytes of the chunk that belong to this body (framing included). */
  consumed: number;
  done: boolean;
  /** The message content among them: chunked framing removed (views into the chunk). */
  payload: Uint8Array[];
}

/**
 * Finds the end of one body in a byte stream. `feed` says how many bytes of `chunk` belong
 * to the body, which of them are content, and whether the body is complete; bytes after
 * the end belong to the next message. Throws FramingError on malformed chunked coding.
 * Trailer fields of chunked bodies are skipped, not reported.
 */
export class BodyDelimiter {
  private remaining: number;
  private chunkState: "size" | "data" | "data-cr" | "data-lf" | "trailer" = "size";
  private line = "";
  private trailerBytes = 0;
  private finished: boolean;

  constructor(private readonly framing: Framing) {
    this.remaining = framing.kind === "length" ? framing.length : 0;
    this.finished = framing.kind === "none";
  }

  get done(): boolean {
    return this.finished;
  }

  /** The peer closed the connection: fine only for close-delimited bodies. */
  endOfStream(): void {
    if (this.framing.kind === "close") this.finished = true;
    if (!this.finished) throw new FramingError("connection closed before the body ended");
  }

  feed(chunk: Uint8Array): Fed {
    if (this.finished) return { consumed: 0, done: true, payload: [] };
    switch (this.framing.kind) {
      case "none":
        return { consumed: 0, done: true, payload: [] };
      case "close":
        return { consumed: chunk.length, done: false, payload: [chunk] };
      case "length": {
        const consumed = Math.min(this.remaining, chunk.length);
        this.remaining -= consumed;
        this.finished = this.remaining === 0;
        return { consumed, done: this.finished, payload: [chunk.subarray(0, consumed)] };
      }
      case "chunked":
        return this.feedChunked(chunk);
    }
  }

  private feedChunked(chunk: Uint8Array): Fed {
    let i = 0;
    const payload: Uint8Array[] = [];
    while (i < chunk.length && !this.finished) {
      switch (this.chunkState) {
        case "data": {
          const take = Math.min(this.remaining, chunk.length - i);
          payload.push(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.chunkState = "data-cr";
          break;
        }
        case "data-cr":
          if (chunk[i++] !== 0x0d) throw new FramingError("chunk data not followed by CRLF");
          this.chunkState = "data-lf";
          break;
        case "data-lf":
          if (chunk[i++] !== 0x0a) throw new FramingError("chunk data not followed by CRLF");
          this.chunkState = "size";
          break;
        case "size":
        case "trailer": {
          const byte = chunk[i++];
          if (this.chunkState === "trailer" && ++this.trailerBytes > MAX_TRAILER_BYTES) {
            throw new FramingError("chunked trailer section is too large");
          }
          if (byte !== 0x0a) {
            if (this.line.length >= MAX_CHUNK_LINE) throw new FramingError("chunk line too long");
            this.line += String.fromCharCode(byte);
            break;
          }
          if (!this.line.endsWith("\r")) throw new FramingError("bare LF in chunked coding");
          const line = this.line.slice(0, -1);
          this.line = "";
          if (this.chunkState === "size") this.sizeLine(line);
          else if (line === "") this.finished = true;
          break;
        }
      }
    }
    return { consumed: i, done: this.finished, payload };
  }

  private sizeLine(line: string): void {
    const match = /^([0-9a-fA-F]{1,13})[ \t]*(?:;.*)?$/.exec(line);
    // deno-lint-ignore no-control-regex
    if (match === null || /[\r\n\x00]/.test(line)) throw new FramingError("malformed chunk size");
    const size = parseInt(match[1], 16);
    if (size === 0) {
      this.chunkState = "trailer";
    } else {
      this.remaining = size;
      this.chunkState = "data";
    }
  }
}

/** The end of a chunked body (no trailer fields). */
export const LAST_CHUNK: Uint8Array = latin1Bytes("0\r\n\r\n");

/** One chunk of chunked transfer coding. */
export function chunkFrame(bytes: Uint8Array): Uint8Array {
  const size = latin1Bytes(`${bytes.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + bytes.length + 2);
  out.set(size);
  out.set(bytes, size.length);
  out[out.length - 2] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}
