/** A CONNECT tunnel: bytes both ways until both sides are done, with half-close. */

import { type BufferedReader, closeQuietly, closeWriteQuietly, writeAll } from "./conn_io.ts";

export interface TunnelBytes {
  /** Client → upstream. */
  up: number;
  /** Upstream → client. */
  down: number;
}

/**
 * Relays until both directions reached end of stream, or one failed (then both are
 * closed). The client side is read through its BufferedReader so bytes the client sent
 * right after its CONNECT head are not lost. Closes both connections before resolving.
 */
export async function runTunnel(
  client: BufferedReader,
  upstream: Deno.Conn,
): Promise<TunnelBytes> {
  const bytes: TunnelBytes = { up: 0, down: 0 };
  const upstreamReader = { read: (): Promise<Uint8Array | null> => readRaw(upstream) };
  const abort = (): void => {
    closeQuietly(client.conn);
    closeQuietly(upstream);
  };
  await Promise.all([
    pump(client, upstream, (n) => bytes.up += n).catch(abort),
    pump(upstreamReader, client.conn, (n) => bytes.down += n).catch(abort),
  ]);
  abort();
  return bytes;
}

interface Source {
  read(): Promise<Uint8Array | null>;
}

async function pump(from: Source, to: Deno.Conn, count: (n: number) => void): Promise<void> {
  for (;;) {
    const chunk = await from.read();
    if (chunk === null) {
      closeWriteQuietly(to);
      return;
    }
    await writeAll(to, chunk);
    count(chunk.length);
  }
}

async function readRaw(conn: Deno.Conn): Promise<Uint8Array | null> {
  const buffer = new Uint8Array(64 * 1024);
  const n = await conn.read(buffer);
  return n === null ? null : buffer.subarray(0, n);
}
