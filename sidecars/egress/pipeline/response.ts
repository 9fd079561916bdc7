/**
 * The upstream's answer on its way to the client: interim 1xx heads, then the final head
 * and body, unchanged or (when the bottle has secrets) redacted, decoded and re-framed.
 */

import { relayRedactedBody } from "./body_relay.ts";
import { BodyReader, type BufferedReader, readHead, relayBody, type Sink } from "../conn_io.ts";
import { BodyScanner, type Framing } from "../http/body.ts";
import {
  type RequestHead,
  type ResponseHead,
  responseHeadParser,
  serializeResponseHead,
  stripHopByHop,
} from "../http/head.ts";
import type { Needle } from "../secrets/needles.ts";
import { ExchangeError } from "./origin.ts";
import { contentCodings, redactedHead } from "./redact.ts";

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
  out: Sink,
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
    out: Sink;
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
  const scanner = new BodyScanner(framing);
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
