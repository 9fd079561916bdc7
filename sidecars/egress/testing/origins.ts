/**
 * Loopback-only servers for the proxy tests: an HTTP/1.1 origin that records what reached it,
 * and a TCP echo server (the far end of CONNECT tunnels).
 */

import { writeAll } from "../conn_io.ts";
import { type LoopbackServer, serveLoopback } from "./listener.ts";

export interface SeenRequest {
  method: string;
  /** Path and query as received (origin-form). */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface TestOrigin {
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** An HTTP/1.1 server on 127.0.0.1: `/hello`, `/echo` (body back), `/chunked`. */
export function startOrigin(): Promise<TestOrigin> {
  const requests: SeenRequest[] = [];
  const { promise, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: (addr) => resolve(addr.port),
  }, async (request) => {
    const url = new URL(request.url);
    const body = await request.text();
    requests.push({
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body,
    });
    if (url.pathname === "/echo") return new Response(body);
    if (url.pathname === "/chunked") {
      const parts = ["one,", "two,", "three"];
      return new Response(
        new ReadableStream({
          pull(controller): void {
            const part = parts.shift();
            if (part === undefined) controller.close();
            else controller.enqueue(new TextEncoder().encode(part));
          },
        }),
      );
    }
    return new Response("hello", { headers: { "X-Origin": "yes" } });
  });
  return promise.then((port) => ({ port, requests, close: () => server.shutdown() }));
}

export type EchoServer = LoopbackServer;

/** A TCP echo server on 127.0.0.1 (the far end of CONNECT tunnels). */
export function startEchoServer(): EchoServer {
  return serveLoopback(async (conn) => {
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      await writeAll(conn, buffer.subarray(0, n));
    }
  });
}
