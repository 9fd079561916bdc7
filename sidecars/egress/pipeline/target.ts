/**
 * Where a request goes, from its head: an absolute `http://` URL on the proxy socket, or
 * an origin-form path inside a tunnel whose Host must be the tunnel's host. Pure.
 */

import {
  formatAuthority,
  type Framing,
  headerList,
  parseAbsoluteTarget,
  type RequestHead,
} from "../http/mod.ts";
import type { Found } from "../upstream/mod.ts";

/** Where requests come from: the proxy's own socket, or a decrypted tunnel to one host. */
export type RequestSource =
  | { kind: "plain" }
  | {
    kind: "intercepted";
    host: string;
    port: number;
    /**
     * The host's addresses, looked up (and checked) before the tunnel opened: requests to
     * the host itself go there, without a second lookup. Null when the host has a route
     * with an operator `upstream`: it is then looked up only if a request needs it.
     */
    pinned: Found | null;
  };

export interface Target {
  /** Canonical. */
  host: string;
  port: number;
  /** Origin-form path and query. */
  path: string;
}

export type TargetResult =
  | { ok: true; target: Target }
  | { ok: false; status: 400 | 403; rule: string | null; reason: string };

export const HOST_MISMATCH_RULE = "host-mismatch";

export function requestTarget(source: RequestSource, head: RequestHead): TargetResult {
  if (source.kind === "plain") {
    const target = parseAbsoluteTarget(head.target);
    if (target === null || target.scheme !== "http") {
      return { ok: false, status: 400, rule: null, reason: badTargetReason(head) };
    }
    return { ok: true, target };
  }
  const { host, port } = source;
  let path = head.target;
  if (!path.startsWith("/")) {
    const absolute = parseAbsoluteTarget(head.target);
    if (absolute === null || absolute.host !== host || absolute.port !== port) {
      return {
        ok: false,
        status: 400,
        rule: null,
        reason: "inside a tunnel, requests must name a path (origin-form)",
      };
    }
    path = absolute.path;
  }
  // A different Host would let a shared front end (a CDN) route to a host the policy
  // never saw: domain fronting.
  for (const value of headerList(head.headers, "host")) {
    const named = parseAbsoluteTarget(`https://${value}/`);
    if (named === null || named.host !== host || named.port !== port) {
      return {
        ok: false,
        status: 403,
        rule: HOST_MISMATCH_RULE,
        reason: `the Host header ${JSON.stringify(value.slice(0, 200))} does not name the ` +
          `tunnel's host ${JSON.stringify(formatAuthority(host, port, 443))}; open a tunnel ` +
          `(CONNECT) to each host instead`,
      };
    }
  }
  return { ok: true, target: { host, port, path } };
}

/** A chunked body carries no other transfer coding (e.g. `gzip, chunked`). */
export function plainChunked(head: RequestHead, framing: Framing): boolean {
  if (framing.kind !== "chunked") return true;
  const codings = headerList(head.headers, "transfer-encoding").map((c) => c.toLowerCase());
  return codings.length === 1 && codings[0] === "chunked";
}

function badTargetReason(head: RequestHead): string {
  if (/^https:\/\//i.test(head.target)) {
    return "https:// URLs must be requested through CONNECT (set HTTPS_PROXY, not HTTP_PROXY)";
  }
  if (head.target.startsWith("/")) {
    return "this is a forward proxy: send the absolute URL (GET http://host/path) or use CONNECT";
  }
  return "malformed request target";
}
