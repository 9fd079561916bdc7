/**
 * Byte-stream plumbing: one interface over Deno connections and decrypted TLS sessions,
 * buffered reads with push-back, body relays.
 */

import type { BodyScanner } from "./http/body.ts";
import type { HeadParser, HeadResult } from "./http/head.ts";

const READ_SIZE = 64 * 1024;

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/**
 * A bidirectional byte stream: a client or upstream connection, plain or TLS. The request
 * pipeline only ever sees this.
 */
export interface ByteStream {
  /** Next bytes, or null at end of stream. */
  read(): Promise<Uint8Array | null>;
  /** Writes every byte. */
  write(bytes: Uint8Array): Promise<void>;
  /** Half-close: no more writes, reads continue. */
  closeWrite(): Promise<void>;
  close(): void;
}

/** Where a body can be written. */
export interface Sink {
  write(bytes: Uint8Array): Promise<void>;
}

/** A Deno connection (TCP, Unix or TLS) as a ByteStream. */
export function connStream(conn: Deno.Conn): ByteStream {
  return {
    async read(): Promise<Uint8Array | null> {
      const buffer = new Uint8Array(READ_SIZE);
      const n = await conn.read(buffer);
      return n === null ? null : buffer.subarray(0, n);
    },
    write: (bytes: Uint8Array): Promise<void> => writeAll(conn, bytes),
    closeWrite: (): Promise<void> => conn.closeWrite(),
    close(): void {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/** Reads from a stream; bytes read too far (past a head or body) can be pushed back. */
export class BufferedReader {
  private readonly pending: Uint8Array[] = [];

  constructor(readonly stream: ByteStream) {}

  unshift(bytes: Uint8Array): void {
    if (bytes.length > 0) this.pending.unshift(bytes);
  }

  /** Next bytes, or null at end of stream. Rejects with TimeoutError after `deadline`. */
  read(deadline?: number): Promise<Uint8Array | null> {
    const queued = this.pending.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const reading = this.stream.read();
    return deadline === undefined ? reading : withDeadline(reading, deadline);
  }
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError("timed out")),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => {});
  }
}

export type ReadHeadResult<T> =
  | Exclude<HeadResult<T>, { state: "incomplete" }>
  | { state: "closed" };

/**
 * Reads one message head. `closed` means end of stream before any byte of a head; an end
 * of stream inside a head is an error (400).
 */
export async function readHead<T>(
  reader: BufferedReader,
  parser: HeadParser<T>,
  deadline?: number,
): Promise<ReadHeadResult<T>> {
  for (;;) {
    const chunk = await reader.read(deadline);
    if (chunk === null) {
      if (parser.buffered === 0) return { state: "closed" };
      return { state: "error", status: 400, message: "connection closed inside a message head" };
    }
    const result = parser.push(chunk);
    if (result.state === "incomplete") continue;
    if (result.state === "complete") reader.unshift(result.rest);
    return result;
  }
}

/** Anything bytes can be written to piecewise (a Deno.Conn is one). */
export interface Writer {
  write(bytes: Uint8Array): Promise<number>;
}

export async function writeAll(conn: Writer, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

export function closeQuietly(stream: { close(): void }): void {
  try {
    stream.close();
  } catch {
    // already closed
  }
}

export function closeWriteQuietly(stream: { closeWrite(): Promise<void> }): void {
  try {
    stream.closeWrite().catch(() => {});
  } catch {
    // already closed
  }
}

/**
 * Copies one message body from `from` to `to` unchanged, leaving any bytes after its end in
 * `from`. Throws FramingError when the stream is malformed or ends early.
 */
export async function relayBody(
  from: BufferedReader,
  to: Sink,
  scanner: BodyScanner,
  onBytes: (n: number) => void,
): Promise<void> {
  while (!scanner.done) {
    const chunk = await from.read();
    if (chunk === null) {
      scanner.endOfStream();
      return;
    }
    const { consumed } = scanner.feed(chunk);
    if (consumed > 0) {
      await to.write(chunk.subarray(0, consumed));
      onBytes(consumed);
    }
    from.unshift(chunk.subarray(consumed));
  }
}

/**
 * One message body read from `from` as content pieces (chunked framing removed); bytes
 * after its end stay in `from`. Throws FramingError when the stream is malformed or ends
 * early.
 */
export class BodyReader {
  private readonly queue: Uint8Array[] = [];

  constructor(private readonly from: BufferedReader, private readonly scanner: BodyScanner) {}

  /** The next piece of content, or null once the body is complete. */
  async next(): Promise<Uint8Array | null> {
    while (this.queue.length === 0) {
      if (this.scanner.done) return null;
      const chunk = await this.from.read();
      if (chunk === null) {
        this.scanner.endOfStream();
        return null;
      }
      const fed = this.scanner.feed(chunk);
      this.from.unshift(chunk.subarray(fed.consumed));
      for (const piece of fed.payload) if (piece.length > 0) this.queue.push(piece);
    }
    return this.queue.shift()!;
  }
}
