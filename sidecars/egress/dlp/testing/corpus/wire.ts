/**
 * The DLP corpus's unit: a case is one or more HTTP/1.1 requests sent on one connection
 * through the egress proxy (plain HTTP on its socket, or inside an intercepted CONNECT
 * tunnel), with the secrets that must not reach the origin once the proxy blocks it.
 * Here: the types and the request bytes as they go on the wire. Pure.
 */
import { latin1, latin1Bytes } from "../../../../../lib/bytes.ts";

export type Transport = "http" | "https";
export const TRANSPORTS: readonly Transport[] = ["http", "https"];

export type CaseGroup = "format" | "evasion" | "benign";

export interface WireRequest {
  method: string;
  /** Origin-form path and query (the harness puts the case tag in front of it). */
  path: string;
  /** Fields after `Host`, in order; values are byte strings (one char per byte). */
  headers: [string, string][];
  body?: Uint8Array;
  /**
   * Send the body with `Transfer-Encoding: chunked` in chunks of 1 to `chunkSize` bytes,
   * a few chunks per write; otherwise with `Content-Length`.
   */
  chunkSize?: number;
}

export interface CorpusCase {
  group: CaseGroup;
  /** Formats: the carrier; evasions and benign traffic: the family. */
  family: string;
  /** What is sent and how (never the secret). */
  name: string;
  host: string;
  /** Sent in order on one connection; the case is blocked when any of them is. */
  requests: WireRequest[];
  /** Values no encoding of which may reach the origin once the case is blocked. */
  secrets: string[];
  /** Further encodings of them the leak detector looks for (reversed, lower-cased…). */
  forms?: string[];
  /**
   * Only whole forms count as leaked, not halves: a secret split across two requests has
   * its first half sent before anything could know (the second request is the catch).
   */
  wholeFormsOnly?: boolean;
  /** Formats: the rule the block should name. */
  rule?: string;
  /** Only over these transports (a credentialed route takes HTTPS only). */
  transports?: readonly Transport[];
}

/** The host positives go to: an ordinary allowed destination, no route, no credential. */
export const EXFIL_HOST = "upload.example.net";

/** Chunk sizes cycle through 1..max in a fixed stride, so every split point occurs. */
function chunkSizes(total: number, max: number): number[] {
  const sizes: number[] = [];
  for (let i = 0, left = total; left > 0; i++) {
    const n = Math.min(left, 1 + ((i * 5) % max));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

const CHUNKS_PER_WRITE = 6;

/**
 * The request's bytes in the pieces they are written: head, then the body (one piece, or
 * for chunked bodies a few frames per piece). `target` is the request target (absolute URL
 * on the plain socket, origin-form in a tunnel), `authority` the Host value.
 */
export function requestPieces(
  request: WireRequest,
  target: string,
  authority: string,
): Uint8Array[] {
  const body = request.body ?? null;
  const fields: [string, string][] = [["Host", authority], ...request.headers];
  if (body !== null && request.chunkSize !== undefined) {
    fields.push(["Transfer-Encoding", "chunked"]);
  } else if (body !== null) {
    fields.push(["Content-Length", String(body.length)]);
  }
  const head = `${request.method} ${target} HTTP/1.1\r\n` +
    fields.map(([name, value]) => `${name}: ${value}\r\n`).join("") + "\r\n";
  const pieces: Uint8Array[] = [latin1Bytes(head)];
  if (body === null) return pieces;
  if (request.chunkSize === undefined) {
    pieces.push(body);
    return pieces;
  }
  let offset = 0;
  let frames = "";
  const flush = (): void => {
    if (frames !== "") pieces.push(latin1Bytes(frames));
    frames = "";
  };
  const sizes = chunkSizes(body.length, request.chunkSize);
  sizes.forEach((n, i) => {
    frames += `${n.toString(16)}\r\n${latin1(body.subarray(offset, offset + n))}\r\n`;
    offset += n;
    if ((i + 1) % CHUNKS_PER_WRITE === 0) flush();
  });
  frames += "0\r\n\r\n";
  flush();
  return pieces;
}
