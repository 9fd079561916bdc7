/** Byte-stream plumbing over Deno connections: buffered reads with push-back, full writes. */

import type { BodyScanner } from "./http_body.ts";
import type { HeadParser, HeadResult } from "./http_head.ts";

const READ_SIZE = 64 * 1024;

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** Reads from a connection; bytes read too far (past a head or body) can be pushed back. */
export class BufferedReader {
  private readonly pending: Uint8Array[] = [];

  constructor(readonly conn: Deno.Conn) {}

  unshift(bytes: Uint8Array): void {
    if (bytes.length > 0) this.pending.unshift(bytes);
  }

  /** Next bytes, or null at end of stream. Rejects with TimeoutError after `deadline`. */
  async read(deadline?: number): Promise<Uint8Array | null> {
    const queued = this.pending.shift();
    if (queued !== undefined) return queued;
    const buffer = new Uint8Array(READ_SIZE);
    const reading = this.conn.read(buffer);
    const n = deadline === undefined ? await reading : await withDeadline(reading, deadline);
    return n === null ? null : buffer.subarray(0, n);
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

/** Anything bytes can be written to (a Deno.Conn is one). */
export interface Writer {
  write(bytes: Uint8Array): Promise<number>;
}

export async function writeAll(conn: Writer, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

export function closeWriteQuietly(conn: Deno.Conn): void {
  conn.closeWrite().catch(() => {});
}

/**
 * Copies one message body from `from` to `to`, leaving any bytes after its end in `from`.
 * Throws FramingError when the stream is malformed or ends early.
 */
export async function relayBody(
  from: BufferedReader,
  to: Writer,
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
      await writeAll(to, chunk.subarray(0, consumed));
      onBytes(consumed);
    }
    from.unshift(chunk.subarray(consumed));
  }
}
