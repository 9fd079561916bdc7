/**
 * HTTP messages read from a buffered byte stream: one head (with a deadline), and one body,
 * relayed unchanged or read as content pieces. Bytes past the message stay in the reader
 * for the next one.
 */

import type { BufferedReader, ByteSink } from "../conn_io.ts";
import type { BodyDelimiter } from "./body.ts";
import type { HeadParser, HeadResult } from "./head.ts";

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

/**
 * Copies one message body from `from` to `to` unchanged, leaving any bytes after its end in
 * `from`. Throws FramingError when the stream is malformed or ends early.
 */
export async function relayBody(
  from: BufferedReader,
  to: ByteSink,
  scanner: BodyDelimiter,
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

  constructor(private readonly from: BufferedReader, private readonly scanner: BodyDelimiter) {}

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
