/**
 * A recording origin for the DLP corpus (tests only): plain HTTP or TLS on 127.0.0.1, it
 * keeps every request it receives (head, and body with chunked framing removed, as far as
 * it arrived) under the case tag its path starts with (`/c<tag>/…`), and answers `ok`.
 * Its HTTP/1.1 parsing is its own, not the proxy's: it is the witness of what got out.
 */
import type { RecordedRequest } from "../../dlp/testing/corpus/leak.ts";
import { latin1 } from "../../../../lib/bytes.ts";
import { serveOn } from "../listener.ts";

export interface OriginRecord extends RecordedRequest {
  tag: number | null;
  /** The whole body arrived (a blocked upload is cut off). */
  complete: boolean;
}

export interface RecordingOrigin {
  port: number;
  /** How many requests (complete or cut off) it saw. */
  count(): number;
  /** Connections open now (each is recorded when it closes). */
  connections(): number;
  close(): Promise<void>;
}

/** Records shared by the plain and the TLS origin, by case tag. */
export type Records = Map<number | null, OriginRecord[]>;

const OK = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
);
const MAX_HEAD = 256 * 1024;
const MAX_BODY = 64 * 1024 * 1024;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOfCrlf(bytes: Uint8Array, from = 0): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  }
  return -1;
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** One request being read: its head, then its body by its framing. */
class Incoming {
  head = "";
  tag: number | null = null;
  framing: { kind: "none" } | { kind: "length"; left: number } | {
    kind: "chunked";
    left: number;
    done: boolean;
  } = {
    kind: "none",
  };
  body: Uint8Array[] = [];
  bodyBytes = 0;

  constructor(head: string) {
    this.head = head;
    this.tag = Number(/^\S+ (?:[a-z]+:\/\/[^/]+)?\/c(\d+)\//.exec(head)?.[1] ?? NaN);
    if (Number.isNaN(this.tag)) this.tag = null;
    const te = /^transfer-encoding:\s*([^\r\n]*)/im.exec(head)?.[1] ?? "";
    const cl = /^content-length:\s*(\d+)/im.exec(head)?.[1];
    if (/chunked/i.test(te)) this.framing = { kind: "chunked", left: -1, done: false };
    else if (cl !== undefined && Number(cl) > 0) {
      this.framing = { kind: "length", left: Number(cl) };
    }
  }

  record(complete: boolean): OriginRecord {
    const body = new Uint8Array(this.bodyBytes);
    let at = 0;
    for (const piece of this.body) {
      body.set(piece, at);
      at += piece.length;
    }
    return { tag: this.tag, head: this.head, body, complete };
  }

  /** Consumes body bytes from `buffer`; returns what is left and whether the body ended. */
  feed(buffer: Uint8Array): { rest: Uint8Array; done: boolean } {
    const f = this.framing;
    if (f.kind === "none") return { rest: buffer, done: true };
    if (f.kind === "length") {
      const n = Math.min(f.left, buffer.length);
      this.take(buffer.subarray(0, n));
      f.left -= n;
      return { rest: buffer.subarray(n), done: f.left === 0 };
    }
    let rest = buffer;
    for (;;) {
      if (f.done) {
        // Trailers (none expected) then the blank line.
        const eol = indexOfCrlf(rest);
        if (eol < 0) return { rest, done: false };
        const line = rest.subarray(0, eol);
        rest = rest.subarray(eol + 2);
        if (line.length === 0) return { rest, done: true };
        continue;
      }
      if (f.left < 0) {
        const eol = indexOfCrlf(rest);
        if (eol < 0) return { rest, done: false };
        const size = parseInt(latin1(rest.subarray(0, eol)).split(";")[0], 16);
        rest = rest.subarray(eol + 2);
        if (!Number.isFinite(size) || size < 0) throw new Error("bad chunk size");
        if (size === 0) {
          f.done = true;
          continue;
        }
        f.left = size;
      }
      if (f.left > 0) {
        const n = Math.min(f.left, rest.length);
        this.take(rest.subarray(0, n));
        f.left -= n;
        rest = rest.subarray(n);
        if (f.left > 0) return { rest, done: false };
      }
      // The chunk's data is in: its CRLF follows.
      if (rest.length < 2) return { rest, done: false };
      rest = rest.subarray(2);
      f.left = -1;
    }
  }

  private take(bytes: Uint8Array): void {
    if (this.bodyBytes + bytes.length > MAX_BODY) throw new Error("body too large");
    this.body.push(bytes.slice());
    this.bodyBytes += bytes.length;
  }
}

export function startRecordingOrigin(
  records: Records,
  tls: { certPem: string; keyPem: string } | null,
): RecordingOrigin {
  const listener = tls === null
    ? Deno.listen({ hostname: "127.0.0.1", port: 0 })
    : Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: tls.certPem, key: tls.keyPem });
  let count = 0;
  const keep = (record: OriginRecord): void => {
    count++;
    const list = records.get(record.tag) ?? [];
    list.push(record);
    records.set(record.tag, list);
  };
  const server = serveOn(listener, async (conn) => {
    let buffer: Uint8Array = new Uint8Array(0);
    let current: Incoming | null = null;
    const chunk = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(chunk);
        if (n === null) break;
        buffer = concat(buffer, chunk.slice(0, n));
        for (;;) {
          if (current === null) {
            const end = indexOfBlankLine(buffer);
            if (end < 0) {
              if (buffer.length > MAX_HEAD) throw new Error("head too large");
              break;
            }
            current = new Incoming(latin1(buffer.subarray(0, end + 2)));
            buffer = buffer.subarray(end + 4);
          }
          const { rest, done } = current.feed(buffer);
          buffer = rest;
          if (!done) break;
          keep(current.record(true));
          current = null;
          await conn.write(OK);
        }
      }
    } catch {
      // the proxy cut the connection (a blocked upload) or sent garbage: keep what came
    } finally {
      if (current !== null) keep(current.record(false));
      else if (buffer.length > 0) {
        keep({
          tag: null,
          head: latin1(buffer.subarray(0, MAX_HEAD)),
          body: new Uint8Array(0),
          complete: false,
        });
      }
    }
  });
  return {
    port: server.port,
    count: () => count,
    connections: server.open,
    close: server.close,
  };
}
