/**
 * Small writes gathered into one: a response head, a short body and the chunked
 * terminator leave in one write instead of three. A forwarder in front of the proxy (socat
 * inside a bottle) relays each write as its own TCP segment, and Nagle plus delayed ACKs
 * turn the second of two small segments into a 40 ms stall.
 */

import { setImmediate } from "node:timers";
import type { ByteSink, ByteStream } from "../conn_io.ts";
import { concat } from "../../../lib/bytes.ts";

/** Writes this large go out at once (after what is pending). */
const DIRECT_BYTES = 16 * 1024;

export class CoalescingWriter implements ByteSink {
  private pending: Uint8Array[] = [];
  private size = 0;
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  constructor(private readonly stream: ByteStream) {}

  /**
   * Small writes resolve at once and leave together once the current run of work yields
   * to I/O; large ones (or enough small ones) resolve when written.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.pending.push(bytes);
    this.size += bytes.length;
    if (this.size >= DIRECT_BYTES) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush().catch(() => {});
      });
    }
    return Promise.resolve();
  }

  /** Resolves once everything written so far has been handed to the stream. */
  flush(): Promise<void> {
    if (this.size > 0) {
      const pieces = this.pending;
      const bytes = pieces.length === 1 ? pieces[0] : concat(pieces);
      this.pending = [];
      this.size = 0;
      this.chain = this.chain.then(() => this.stream.write(bytes)).catch((error: Error) => {
        this.failure ??= error;
        throw this.failure;
      });
    }
    return this.chain;
  }
}
