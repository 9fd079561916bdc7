/**
 * Bodies the proxy has to look into: request bodies checked (DLP, placeholders) before
 * each byte is forwarded, and response bodies decoded and redacted on the way back.
 */

import type { BodyReader, ByteStream, Sink } from "../conn_io.ts";
import { latin1Bytes } from "../http/head.ts";
import type { Block, BodyCheck } from "../inspect/checks.ts";
import type { Needle } from "../secrets/needles.ts";
import { StreamReplacer } from "../secrets/needles.ts";
import { decoded, joined, redacting } from "./redact.ts";

export type BodyOutcome = { kind: "sent" } | { kind: "blocked"; block: Block };

const LAST_CHUNK = latin1Bytes("0\r\n\r\n");

/** One chunk of chunked transfer coding. */
export function chunkFrame(bytes: Uint8Array): Uint8Array {
  const size = latin1Bytes(`${bytes.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + bytes.length + 2);
  out.set(size);
  out.set(bytes, size.length);
  out[out.length - 2] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}

/** Bytes received but not yet cleared to go. */
class Held {
  private pieces: Uint8Array[] = [];
  private size = 0;

  push(piece: Uint8Array): void {
    this.pieces.push(piece);
    this.size += piece.length;
  }

  get length(): number {
    return this.size;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.size));
    let filled = 0;
    while (filled < out.length) {
      const piece = this.pieces[0];
      const want = out.length - filled;
      if (piece.length <= want) {
        out.set(piece, filled);
        filled += piece.length;
        this.pieces.shift();
      } else {
        out.set(piece.subarray(0, want), filled);
        this.pieces[0] = piece.subarray(want);
        filled += want;
      }
    }
    this.size -= out.length;
    return out;
  }
}

/**
 * Forwards a request body once `check` clears each byte. Content-Length bodies keep their
 * length; chunked bodies are re-chunked (trailers are dropped). Stops at the first block.
 */
export async function relayCheckedBody(
  body: BodyReader,
  chunked: boolean,
  to: ByteStream,
  check: BodyCheck,
  onBytes: (n: number) => void,
): Promise<BodyOutcome> {
  const held = new Held();
  let pushed = 0;
  const send = async (bytes: Uint8Array): Promise<void> => {
    if (bytes.length === 0) return;
    const wire = chunked ? chunkFrame(bytes) : bytes;
    await to.write(wire);
    onBytes(wire.length);
  };
  for (let piece = await body.next(); piece !== null; piece = await body.next()) {
    held.push(piece);
    pushed += piece.length;
    const block = check.push(piece);
    if (block !== null) return { kind: "blocked", block };
    const cleared = Math.min(check.safeBytes, pushed) - (pushed - held.length);
    if (cleared > 0) await send(held.take(cleared));
  }
  const block = check.end();
  if (block !== null) return { kind: "blocked", block };
  await send(held.take(held.length));
  if (chunked) {
    await to.write(LAST_CHUNK);
    onBytes(LAST_CHUNK.length);
  }
  return { kind: "sent" };
}

/**
 * Relays a response body decoded (`codings`) and with every needle replaced, chunked for
 * an HTTP/1.1 client or close-delimited otherwise. Returns the labels replaced.
 */
export async function relayRedactedBody(
  body: BodyReader,
  codings: string[],
  needles: readonly Needle[],
  to: Sink,
  chunked: boolean,
  onBytes: (n: number) => void,
): Promise<Set<string>> {
  const send = async (piece: Uint8Array): Promise<void> => {
    if (piece.length === 0) return;
    const wire = chunked ? chunkFrame(piece) : piece;
    await to.write(wire);
    onBytes(wire.length);
  };
  let replaced: Set<string>;
  if (codings.length === 0) {
    const replacer = new StreamReplacer(needles);
    for (let piece = await body.next(); piece !== null; piece = await body.next()) {
      await send(joined(replacer.push(piece)));
    }
    await send(joined(replacer.end()));
    replaced = replacer.replaced;
  } else {
    replaced = new Set<string>();
    const source = new ReadableStream<Uint8Array>({
      async pull(controller): Promise<void> {
        const piece = await body.next();
        if (piece === null) controller.close();
        else controller.enqueue(piece);
      },
    }, { highWaterMark: 0 });
    const stream = decoded(source, codings).pipeThrough(redacting(needles, replaced));
    for await (const piece of stream) await send(piece);
  }
  if (chunked) {
    await to.write(LAST_CHUNK);
    onBytes(LAST_CHUNK.length);
  }
  return replaced;
}
