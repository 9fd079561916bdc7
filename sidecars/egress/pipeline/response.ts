/**
 * The upstream's answer on its way to the client: interim 1xx heads, then the final head
 * and body, unchanged or (when the bottle has secrets) redacted, decoded and re-framed.
 */

import type { BufferedReader, ByteSink } from "../conn_io.ts";
import {
  BodyDelimiter,
  BodyReader,
  chunkFrame,
  type Framing,
  LAST_CHUNK,
  readHead,
  relayBody,
  type RequestHead,
  type ResponseHead,
  responseHeadParser,
  serializeResponseHead,
  stripHopByHop,
} from "../http/mod.ts";
import { type Needle, StreamReplacer } from "../secrets/mod.ts";
import { ExchangeError } from "./origin.ts";
import { contentCodings, decoded, joined, redactedHead, redacting } from "./redact.ts";

export interface Bytes {
  up: number;
  down: number;
}

const MAX_INTERIM = 16;

/**
 * Relays 1xx interim responses (redacted with `needles` unless null); returns the final
 * response head, or "stale" when the connection closed before any answer.
 */
export async function readFinalResponse(
  upstream: BufferedReader,
  request: RequestHead,
  out: ByteSink,
  needles: readonly Needle[] | null,
  bytes: Bytes,
): Promise<ResponseHead | "stale"> {
  let interims = 0;
  for (let i = 0; i < MAX_INTERIM; i++) {
    const result = await readHead(upstream, responseHeadParser());
    if (result.state === "closed") {
      if (interims === 0) return "stale";
      throw new ExchangeError(502, "upstream closed the connection mid-response");
    }
    if (result.state === "error") throw new ExchangeError(502, `bad response: ${result.message}`);
    const response = result.head;
    if (response.status === 101) {
      throw new ExchangeError(502, "protocol upgrades through the proxy are not supported");
    }
    if (response.status >= 200) return response;
    interims++;
    if (request.version === "HTTP/1.0") continue;
    const interim = { ...response, version: "HTTP/1.1", headers: stripHopByHop(response.headers) };
    const serialized = serializeResponseHead(
      needles === null ? interim : redactedHead(interim, needles, "none", false),
    );
    await out.write(serialized);
    bytes.down += serialized.length;
  }
  throw new ExchangeError(502, "too many interim (1xx) responses");
}

/**
 * Sends the final head and relays the body. `onHead` runs just before the head goes out
 * (from then on the proxy can no longer answer with its own error).
 */
export async function relayResponse(
  input: {
    response: ResponseHead;
    framing: Framing;
    keepClient: boolean;
    needles: readonly Needle[] | null;
    upstream: BufferedReader;
    out: ByteSink;
  },
  bytes: Bytes,
  onHead: () => void,
): Promise<void> {
  const { response, framing, keepClient, needles, upstream, out } = input;
  const connection = { name: "Connection", value: keepClient ? "keep-alive" : "close" };
  const head: ResponseHead = {
    version: "HTTP/1.1",
    status: response.status,
    reason: response.reason,
    headers: stripHopByHop(response.headers),
  };
  const scanner = new BodyDelimiter(framing);
  const count = (n: number): number => bytes.down += n;
  if (needles === null) {
    const serialized = serializeResponseHead({ ...head, headers: [...head.headers, connection] });
    onHead();
    await out.write(serialized);
    count(serialized.length);
    await relayBody(upstream, out, scanner, count);
    return;
  }
  const hasBody = framing.kind !== "none";
  const codings = hasBody ? contentCodings(response.headers) : { ok: true as const, codings: [] };
  if (!codings.ok) {
    throw new ExchangeError(
      502,
      `the response uses Content-Encoding ${JSON.stringify(codings.coding)}, which the proxy ` +
        `cannot decode to keep secrets out of it`,
    );
  }
  // A kept-alive client needs a length or chunks; otherwise the body ends at close.
  const chunked = keepClient;
  const redacted = redactedHead(
    head,
    needles,
    hasBody ? (chunked ? "chunked" : "close") : "none",
    codings.codings.length > 0,
  );
  const serialized = serializeResponseHead({
    ...redacted,
    headers: [...redacted.headers, connection],
  });
  onHead();
  await out.write(serialized);
  count(serialized.length);
  if (!hasBody) return;
  await relayRedactedBody(
    new BodyReader(upstream, scanner),
    codings.codings,
    needles,
    out,
    chunked,
    count,
  );
}

/**
 * Relays a response body decoded (`codings`) and with every needle replaced, chunked for
 * an HTTP/1.1 client or close-delimited otherwise. Returns the labels replaced.
 */
export async function relayRedactedBody(
  body: BodyReader,
  codings: string[],
  needles: readonly Needle[],
  to: ByteSink,
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
