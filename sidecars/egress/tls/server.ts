/**
 * The client side of an intercepted tunnel: TLS terminated with a leaf for the CONNECT
 * host, over the connection the proxy already holds.
 */

import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";
import type { BufferedReader, ByteStream } from "../conn_io.ts";
import type { LeafMinter } from "./leaf.ts";
import { Lru } from "./lru.ts";
import { duplexOver, NodeSocketStream } from "./node_stream.ts";

export class TlsHandshakeError extends Error {
  override name = "TlsHandshakeError";
}

/** Leaf certificates as node:tls secure contexts, minted on first use and cached. */
export class ServerContexts {
  private readonly contexts: Lru<string, SecureContext>;

  constructor(private readonly minter: LeafMinter, capacity = 1000) {
    this.contexts = new Lru(capacity);
  }

  async contextFor(host: string): Promise<SecureContext> {
    const leaf = await this.minter.leafFor(host);
    const cached = this.contexts.get(leaf.certPem);
    if (cached !== undefined) return cached;
    const context = createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
    this.contexts.set(leaf.certPem, context);
    return context;
  }
}

/**
 * Runs the server side of a TLS handshake over `client` (offering only http/1.1 by ALPN)
 * and resolves with the decrypted stream. The certificate is the one for the CONNECT host
 * whatever SNI the client sends: the policy decision was made on that host. Rejects with TlsHandshakeError on failure or
 * after `timeoutMs`.
 */
export function acceptTls(
  client: BufferedReader,
  context: SecureContext,
  timeoutMs: number,
): Promise<ByteStream> {
  const socket = new TLSSocket(duplexOver(client), {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ["http/1.1"],
  });
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new TlsHandshakeError(message));
    };
    const timer = setTimeout(() => fail(`no TLS handshake within ${timeoutMs} ms`), timeoutMs);
    socket.once("error", (error: Error) => fail(error.message));
    socket.once("close", () => fail("the client closed the connection during the handshake"));
    socket.once("secure", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.removeAllListeners("close");
      resolve(new NodeSocketStream(socket));
    });
  });
}
