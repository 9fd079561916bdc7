/**
 * Dialling an upstream the resolver has checked: TCP to the addresses in order, and TLS with
 * the real host as SNI. The proxy dials every upstream connection itself.
 */

import { type ByteStream, connStream } from "../conn_io.ts";
import { pemCertificates } from "../policy/mod.ts";

/** Dials the addresses in order; the first connection wins. */
export async function connectUpstream(
  addresses: string[],
  port: number,
  timeoutMs: number,
): Promise<Deno.TcpConn> {
  const failures: string[] = [];
  for (const hostname of addresses) {
    try {
      const conn = await withTimeout(
        Deno.connect({ hostname, port, transport: "tcp", autoSelectFamily: false }),
        timeoutMs,
        (late) => late.close(),
      );
      conn.setNoDelay(true);
      return conn;
    } catch (error) {
      failures.push(
        `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}: ${errorMessage(error)}`,
      );
    }
  }
  throw new Error(`cannot connect to ${failures.join("; ")}`);
}

export class UpstreamTlsError extends Error {
  override name = "UpstreamTlsError";
}

/**
 * TLS to the upstream over a connection the proxy dialled itself. `host` (canonical) is the
 * name verified and sent as SNI. Trust: the runtime's CA store (the daemon runs with
 * DENO_TLS_CA_STORE=system) plus `caPem`, which extends it.
 */
export async function startUpstreamTls(
  tcp: Deno.TcpConn,
  host: string,
  caPem: string | null,
  timeoutMs: number,
): Promise<ByteStream> {
  const hostname = host.replace(/^\[(.*)\]$/, "$1");
  const conn = await Deno.startTls(tcp, {
    hostname,
    caCerts: caPem === null ? undefined : pemCertificates(caPem),
    alpnProtocols: ["http/1.1"],
  });
  try {
    await withTimeout(conn.handshake(), timeoutMs);
  } catch (error) {
    try {
      conn.close();
    } catch {
      // already closed
    }
    const trust = caPem === null
      ? "the system CA store"
      : "the system CA store and the route's upstream CA";
    throw new UpstreamTlsError(
      `TLS with upstream "${host}" failed: ${errorMessage(error)} (trusted: ${trust})`,
    );
  }
  return connStream(conn);
}

/** `promise`, or a rejection after `ms`; a value that arrives late goes to `disposeLate`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  disposeLate?: (value: T) => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
  });
  promise.then((value) => {
    if (timedOut) disposeLate?.(value);
  }, () => {});
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
