/** A CONNECT tunnel: bytes both ways until both sides are done, with half-close. */

import {
  type BufferedReader,
  type ByteStream,
  closeQuietly,
  closeWriteQuietly,
} from "../conn_io.ts";

export interface TunnelBytes {
  /** Client → upstream. */
  up: number;
  /** Upstream → client. */
  down: number;
}

/**
 * Relays until both directions reached end of stream, or one failed (then both are
 * closed). The client side is read through its BufferedReader so bytes the client sent
 * right after its CONNECT head are not lost. Closes both streams before resolving.
 */
export async function runTunnel(
  client: BufferedReader,
  upstream: ByteStream,
): Promise<TunnelBytes> {
  const bytes: TunnelBytes = { up: 0, down: 0 };
  const abort = (): void => {
    closeQuietly(client.stream);
    closeQuietly(upstream);
  };
  await Promise.all([
    pump(client, upstream, (n) => bytes.up += n).catch(abort),
    pump(upstream, client.stream, (n) => bytes.down += n).catch(abort),
  ]);
  abort();
  return bytes;
}

interface Source {
  read(): Promise<Uint8Array | null>;
}

async function pump(from: Source, to: ByteStream, count: (n: number) => void): Promise<void> {
  for (;;) {
    const chunk = await from.read();
    if (chunk === null) {
      closeWriteQuietly(to);
      return;
    }
    await to.write(chunk);
    count(chunk.length);
  }
}
