/** A raw HTTP/1.1 client that talks to the proxy over its Unix socket, and reading its answers. */

import { BufferedReader, type ByteSink, connStream, writeAll } from "../conn_io.ts";
import {
  BodyDelimiter,
  type HeaderField,
  readHead,
  relayBody,
  responseFraming,
  type ResponseHead,
  responseHeadParser,
} from "../http/mod.ts";
import { withTimeout } from "./wait.ts";
import { concat, latin1, latin1Bytes } from "../../../lib/bytes.ts";

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
    const sink: ByteSink = {
      write: (bytes: Uint8Array): Promise<void> => {
        chunks.push(bytes.slice());
        return Promise.resolve();
      },
    };
    await relayBody(this.reader, sink, new BodyDelimiter(framing.framing), () => {});
    const body = latin1(concat(chunks));
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
