/**
 * An origin on 127.0.0.1 (plain HTTP, or HTTPS with a certificate from its own CA) that keeps
 * every byte it received, across connections, so a test can tell what never reached it, and
 * answers each Content-Length request `200 ok` (keep-alive).
 */
import { Buffer } from "node:buffer";
import { closeQuietly } from "../conn_io.ts";
import { mintServerCert } from "./tls.ts";
import { generateCa } from "../tls/ca.ts";

export interface RawOrigin {
  port: number;
  /** The CA its certificate chains to (HTTPS only). */
  caPem: string | null;
  /** Everything received so far (latin1), connections concatenated. */
  received(): string;
  /** Requests answered. */
  answered(): number;
  close(): Promise<void>;
}

const OK = new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

export async function startRawOrigin(tls: boolean, names: string[] = []): Promise<RawOrigin> {
  let caPem: string | null = null;
  let listener: Deno.Listener;
  if (tls) {
    const ca = await generateCa("raw origin");
    const cert = await mintServerCert(ca, [...names, "127.0.0.1"]);
    caPem = ca.certPem;
    listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: cert.certPem,
      key: cert.keyPem,
    });
  } else {
    listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  }
  const chunks: string[] = [];
  let answered = 0;
  const open = new Set<Deno.Conn>();
  const handlers: Promise<void>[] = [];
  const serve = async (conn: Deno.Conn): Promise<void> => {
    let pending = "";
    const buffer = new Uint8Array(16 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) return;
        const text = Buffer.from(buffer.subarray(0, n)).toString("latin1");
        chunks.push(text);
        pending += text;
        for (let end = complete(pending); end > 0; end = complete(pending)) {
          pending = pending.slice(end);
          answered++;
          await conn.write(OK);
        }
      }
    } catch {
      // the proxy closed the connection (e.g. a blocked body)
    } finally {
      closeQuietly(conn);
      open.delete(conn);
    }
  };
  const accepting = (async (): Promise<void> => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      open.add(conn);
      handlers.push(serve(conn));
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    caPem,
    received: () => chunks.join(""),
    answered: () => answered,
    async close(): Promise<void> {
      listener.close();
      for (const conn of open) closeQuietly(conn);
      await accepting;
      await Promise.all(handlers);
    },
  };
}

/** Length of the first whole request in `text` (head and Content-Length body), or 0. */
function complete(text: string): number {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return 0;
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headEnd))?.[1] ?? 0);
  const end = headEnd + 4 + length;
  return text.length >= end ? end : 0;
}
