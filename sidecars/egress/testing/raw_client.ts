/**
 * Test helpers (not used in production): loopback-only origin servers and a raw HTTP
 * client that talks to the proxy over its Unix socket.
 */

import {
  BufferedReader,
  connStream,
  readHead,
  relayBody,
  type Sink,
  writeAll,
} from "../conn_io.ts";
import { BodyScanner, responseFraming } from "../http/body.ts";
import { type LoopbackServer, serveLoopback } from "./listener.ts";
import {
  type HeaderField,
  latin1,
  latin1Bytes,
  type ResponseHead,
  responseHeadParser,
} from "../http/head.ts";

export const TEST_TIMEOUT_MS = 10_000;

export async function withTimeout<T>(
  promise: Promise<T>,
  what: string,
  ms = TEST_TIMEOUT_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 10 ms until it returns true; fails after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = TEST_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface SeenRequest {
  method: string;
  /** Path and query as received (origin-form). */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Origin {
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** An HTTP/1.1 server on 127.0.0.1: `/hello`, `/echo` (body back), `/chunked`. */
export function startOrigin(): Promise<Origin> {
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

export interface RawResponse {
  status: number;
  headers: HeaderField[];
  body: string;
}

export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** A client speaking raw HTTP/1.1 to the proxy over its Unix socket. */
export class RawClient {
  private readonly reader: BufferedReader;

  private constructor(readonly conn: Deno.Conn) {
    this.reader = new BufferedReader(connStream(conn));
  }

  static async connect(socket: string): Promise<RawClient> {
    return new RawClient(await Deno.connect({ transport: "unix", path: socket }));
  }

  /** A client over a connection already open (e.g. TLS inside a tunnel). */
  static over(conn: Deno.Conn): RawClient {
    return new RawClient(conn);
  }

  async send(data: string | Uint8Array): Promise<void> {
    await writeAll(this.conn, typeof data === "string" ? latin1Bytes(data) : data);
  }

  /** Reads one response (head and body) for a request with `method`. */
  readResponse(method = "GET"): Promise<RawResponse> {
    return withTimeout(this.readResponseNow(method), `response to ${method}`);
  }

  private async readResponseNow(method: string): Promise<RawResponse> {
    const result = await readHead(this.reader, responseHeadParser());
    if (result.state !== "complete") throw new Error(`no response: ${JSON.stringify(result)}`);
    const head: ResponseHead = result.head;
    if (method === "CONNECT" && head.status === 200) {
      return { status: head.status, headers: head.headers, body: "" };
    }
    const framing = responseFraming(head, method);
    if (!framing.ok) throw new Error(framing.message);
    const chunks: Uint8Array[] = [];
    const sink: Sink = {
      write: (bytes: Uint8Array): Promise<void> => {
        chunks.push(bytes.slice());
        return Promise.resolve();
      },
    };
    await relayBody(this.reader, sink, new BodyScanner(framing.framing), () => {});
    const body = latin1(concatAll(chunks));
    return { status: head.status, headers: head.headers, body };
  }

  /** Next bytes from the connection (after a CONNECT, the tunnel), or null at its end. */
  read(): Promise<string | null> {
    return withTimeout(
      this.reader.read().then((bytes) => bytes === null ? null : latin1(bytes)),
      "tunnel read",
    );
  }

  /** Reads tunnel bytes until `expected.length` characters arrived. */
  async readExactly(length: number): Promise<string> {
    let out = "";
    while (out.length < length) {
      const chunk = await this.read();
      if (chunk === null) throw new Error(`stream ended after ${JSON.stringify(out)}`);
      out += chunk;
    }
    return out;
  }

  /** True once the proxy closed the connection (reads return end of stream). */
  async closedByPeer(): Promise<boolean> {
    try {
      return (await this.read()) === null;
    } catch {
      return true;
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** The content of a chunked body as RawClient returns it (framing included). */
export function decodeChunked(raw: string): string {
  let out = "";
  let rest = raw;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, eol), 16);
    if (size === 0) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** A response's content: chunked framing removed when present. */
export function content(response: RawResponse): string {
  return header(response, "transfer-encoding")?.toLowerCase() === "chunked"
    ? decodeChunked(response.body)
    : response.body;
}

function concatAll(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** One request on a fresh connection: sends `request`, reads one response, closes. */
export async function proxyRequest(
  socket: string,
  request: string,
  method = "GET",
): Promise<RawResponse> {
  const client = await RawClient.connect(socket);
  try {
    await client.send(request);
    return await client.readResponse(method);
  } finally {
    client.close();
  }
}
