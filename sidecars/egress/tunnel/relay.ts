/** A CONNECT tunnel: bytes both ways until both sides are done, with half-close. */

import { BufferedReader, type ByteStream, closeQuietly, closeWriteQuietly } from "../conn_io.ts";

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

/**
 * Per direction, one buffer reused for every read (the write completes before the next
 * read), where the stream allows it: a fresh 64 KiB buffer per read made the relay the
 * passthrough bottleneck (allocation and GC), and larger reads mean fewer round trips
 * through the runtime. Two per open tunnel, at most.
 */
const RELAY_BUFFER_BYTES = 256 * 1024;

async function pump(
  from: BufferedReader | ByteStream,
  to: ByteStream,
  count: (n: number) => void,
): Promise<void> {
  let stream = from as ByteStream;
  if (from instanceof BufferedReader) {
    // Bytes read past the CONNECT head first.
    while (from.hasPending()) {
      const chunk = await from.read();
      if (chunk === null) break;
      await to.write(chunk);
      count(chunk.length);
    }
    stream = from.stream;
  }
  if (stream.readInto) {
    const buffer = new Uint8Array(RELAY_BUFFER_BYTES);
    for (;;) {
      const n = await stream.readInto(buffer);
      if (n === null) return closeWriteQuietly(to);
      await to.write(buffer.subarray(0, n));
      count(n);
    }
  }
  for (;;) {
    const chunk = await stream.read();
    if (chunk === null) return closeWriteQuietly(to);
    await to.write(chunk);
    count(chunk.length);
  }
}
