/**
 * Bridges between the proxy's ByteStream and node:stream, so node:tls can run over a
 * connection the proxy already holds (with bytes it has already buffered).
 */

import { Duplex } from "node:stream";
import type { BufferedReader, ByteStream } from "../conn_io.ts";

/** Pause the node socket once this much decrypted data waits unread. */
const HIGH_WATER = 256 * 1024;

/**
 * A node Duplex over a client connection: reads go through `reader` first (so bytes
 * buffered after the CONNECT head are not lost), writes go to its stream.
 */
export function duplexOver(reader: BufferedReader): Duplex {
  const raw = reader.stream;
  let reading = false;
  return new Duplex({
    read(): void {
      if (reading) return;
      reading = true;
      reader.read().then((chunk) => {
        reading = false;
        this.push(chunk);
      }, (error: Error) => {
        reading = false;
        this.destroy(error);
      });
    },
    write(chunk: Uint8Array, _encoding, callback): void {
      raw.write(chunk).then(() => callback(), callback);
    },
    final(callback): void {
      raw.closeWrite().then(() => callback(), () => callback());
    },
    destroy(error, callback): void {
      raw.close();
      callback(error);
    },
  });
}

/** A node Duplex (here: the decrypted side of a TLSSocket) as a ByteStream. */
export class NodeSocketStream implements ByteStream {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly socket: Duplex) {
    socket.on("data", (chunk: Uint8Array) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= HIGH_WATER) socket.pause();
      this.notify();
    });
    socket.on("end", () => {
      this.ended = true;
      this.notify();
    });
    socket.on("close", () => {
      this.ended = true;
      this.notify();
    });
    socket.on("error", (error: Error) => {
      this.failure = error;
      this.notify();
    });
  }

  async read(): Promise<Uint8Array | null> {
    while (this.chunks.length === 0) {
      if (this.failure !== null) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => this.wake = resolve);
    }
    const chunk = this.chunks.shift()!;
    this.buffered -= chunk.length;
    if (this.buffered < HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return chunk;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) {
      return Promise.reject(new Error("the connection is closed"));
    }
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => error ? reject(error) : resolve());
    });
  }

  closeWrite(): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => this.socket.end(() => resolve()));
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
