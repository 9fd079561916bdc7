/**
 * One client connection's run of HTTP/1.1 requests, plain (the proxy socket) or decrypted
 * (an intercepted tunnel): heads are read with time limits and each request goes through
 * the shared Forwarder.
 */

import { type BufferedReader, closeQuietly } from "../conn_io.ts";
import type { ProxyContext } from "./context.ts";
import { Forwarder } from "./exchange.ts";
import type { RequestSource } from "./target.ts";
import { proxyErrorResponse, readHead, type RequestHead, requestHeadParser } from "../http/mod.ts";

const MAX_REQUESTS_PER_CONNECTION = 10_000;
/** After a last answer, unread request bytes are drained this long (see lingerClose). */
const LINGER_MS = 500;
const LINGER_BYTES = 4 * 1024 * 1024;

export interface ConnectionHooks {
  /**
   * A request the connection does not forward itself (CONNECT on the plain socket). Returns
   * when the connection has been handed over; serving then ends.
   */
  takeOver?(head: RequestHead): Promise<void> | null;
  /** A request head could not be parsed (the answer has already been sent). */
  onBadHead?(status: number, message: string, first: boolean): void;
}

/** Serves requests until the client is done, a request ends the connection, or a timeout. */
export async function serveConnection(
  ctx: ProxyContext,
  client: BufferedReader,
  source: RequestSource,
  hooks: ConnectionHooks = {},
): Promise<number> {
  const forwarder = new Forwarder(ctx, client, source);
  let served = 0;
  try {
    for (; served < MAX_REQUESTS_PER_CONNECTION; served++) {
      const wait = served === 0 ? ctx.timeouts.firstHeadMs : ctx.timeouts.idleMs;
      const result = await readHead(client, requestHeadParser(), Date.now() + wait);
      if (result.state === "closed") return served;
      if (result.state === "error") {
        const response = proxyErrorResponse(result.status, "request", result.message);
        await client.stream.write(response);
        hooks.onBadHead?.(result.status, result.message, served === 0);
        await lingerClose(client);
        return served;
      }
      const takeOver = hooks.takeOver?.(result.head) ?? null;
      if (takeOver !== null) {
        await takeOver;
        return served;
      }
      if (!await forwarder.exchange(result.head)) {
        await lingerClose(client);
        return served + 1;
      }
    }
  } catch {
    // The client went away or timed out; there is nobody left to tell.
  } finally {
    forwarder.close();
    closeQuietly(client.stream);
  }
  return served;
}

/**
 * Half-closes and drains what the client is still sending (briefly, bounded), so it can
 * read the final answer instead of seeing its upload reset.
 */
async function lingerClose(client: BufferedReader): Promise<void> {
  try {
    await client.stream.closeWrite();
    const deadline = Date.now() + LINGER_MS;
    let drained = 0;
    while (drained < LINGER_BYTES) {
      const chunk = await client.read(deadline);
      if (chunk === null) return;
      drained += chunk.length;
    }
  } catch {
    // timed out or gone: either way, done
  }
}
