/**
 * Byte streams, the proxy's bottom layer: one interface over Deno connections and decrypted
 * TLS connections, buffered reads with push-back and deadlines, writes and quiet closes.
 * Knows nothing of HTTP (http/message_io.ts reads messages from these streams).
 */

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
  /**
   * Reads into `buffer` (a relay's own, reused); the count, or null at end of stream. Only
   * streams over a Deno connection have it.
   */
  readInto?(buffer: Uint8Array): Promise<number | null>;
  /** Writes every byte. */
  write(bytes: Uint8Array): Promise<void>;
  /** Half-close: no more writes, reads continue. */
  closeWrite(): Promise<void>;
  close(): void;
}

/** Where bytes can be written (a stream, or a writer that gathers small writes). */
export interface ByteSink {
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
    readInto: (buffer: Uint8Array): Promise<number | null> => conn.read(buffer),
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

  /** Whether bytes pushed back are waiting (read() returns them before the stream's). */
  hasPending(): boolean {
    return this.pending.length > 0;
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
