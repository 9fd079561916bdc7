/**
 * An origin on 127.0.0.1 (plain HTTP, or HTTPS with a certificate from its own CA) that keeps
 * every byte it received, across connections, so a test can tell what never reached it, and
 * answers each Content-Length request `200 ok` (keep-alive).
 */
import { latin1, utf8Bytes } from "../../../lib/bytes.ts";
import { serveOn } from "./listener.ts";
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

const OK = utf8Bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

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
  // An error ends a connection: the proxy closed it (e.g. a blocked body).
  const server = serveOn(listener, async (conn) => {
    let pending = "";
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      const text = latin1(buffer.subarray(0, n));
      chunks.push(text);
      pending += text;
      for (let end = complete(pending); end > 0; end = complete(pending)) {
        pending = pending.slice(end);
        answered++;
        await conn.write(OK);
      }
    }
  });
  return {
    port: server.port,
    caPem,
    received: () => chunks.join(""),
    answered: () => answered,
    close: server.close,
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
