/**
 * Where an allowed request may actually go: DNS is resolved on the host side and every
 * non-public address is refused (unless the rule named that IP exactly), then the proxy
 * dials the checked address itself, so a later DNS answer cannot swap in another one.
 */

import { lookup } from "node:dns/promises";
import { type ByteStream, connStream } from "../conn_io.ts";
import type { Decision } from "../policy/decide.ts";
import { isIpLiteral, nonPublicRange } from "../../../lib/net/mod.ts";

export type Lookup = (host: string) => Promise<string[]>;

/** The addresses a name stands for, before they are checked. */
export interface Found {
  addresses: string[];
  /** From the test mapping (an operator-side override, like an exact IP rule). */
  testResolve: boolean;
}

/** What a lookup gave: addresses, or why there are none. */
export type Answer = ({ ok: true } & Found) | { ok: false; status: 502; reason: string };

/** The addresses the proxy may dial, or why it may not dial any. */
export type Resolution = ({ ok: true } & Found) | { ok: false; status: 403 | 502; reason: string };

const LOOKUP_TIMEOUT_MS = 10_000;

export const systemLookup: Lookup = async (host) => {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

/** Looks up and checks `host` (see lookupHost and checkAddresses). */
export async function resolveUpstream(
  host: string,
  decision: Decision,
  testResolve: ReadonlyMap<string, string>,
  resolve: Lookup = systemLookup,
): Promise<Resolution> {
  return checkAddresses(host, await lookupHost(host, testResolve, resolve), decision);
}

/**
 * The addresses of `host` (canonical, IPv6 in brackets; addresses come back without): the
 * test mapping, the IP literal itself, or DNS. Nothing is checked yet.
 */
export async function lookupHost(
  host: string,
  testResolve: ReadonlyMap<string, string>,
  resolve: Lookup = systemLookup,
): Promise<Answer> {
  const mapped = testResolve.get(host);
  if (mapped !== undefined) return { ok: true, addresses: [mapped], testResolve: true };
  if (isIpLiteral(host)) {
    return { ok: true, addresses: [host.replace(/^\[(.*)\]$/, "$1")], testResolve: false };
  }
  let addresses: string[];
  try {
    addresses = await withTimeout(resolve(host), LOOKUP_TIMEOUT_MS);
  } catch (error) {
    return { ok: false, status: 502, reason: `DNS lookup of "${host}" failed: ${message(error)}` };
  }
  if (addresses.length === 0) {
    return { ok: false, status: 502, reason: `DNS lookup of "${host}" returned no address` };
  }
  return { ok: true, addresses, testResolve: false };
}

/**
 * Keeps the public addresses of an answer; none left is a 403. The test mapping and a rule
 * naming the IP exactly are the operator's choice of address, so they are not filtered.
 */
export function checkAddresses(
  host: string,
  answer: Answer,
  decision: Pick<Decision, "ipLiteralRule">,
): Resolution {
  if (!answer.ok || answer.testResolve || decision.ipLiteralRule) return answer;
  const { addresses } = answer;
  const usable = addresses.filter((address) => nonPublicRange(address) === null);
  if (usable.length === 0) {
    const range = nonPublicRange(addresses[0]);
    return {
      ok: false,
      status: 403,
      reason: `host "${host}" resolves to a private address (${addresses[0]}: ${range}); ` +
        `the proxy only connects to public addresses unless egress.allow names the IP ` +
        `address itself`,
    };
  }
  return { ok: true, addresses: usable, testResolve: false };
}

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
        `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}: ${message(error)}`,
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
      `TLS with upstream "${host}" failed: ${message(error)} (trusted: ${trust})`,
    );
  }
  return connStream(conn);
}

/** Each certificate of a PEM bundle on its own. */
export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

async function withTimeout<T>(
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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
