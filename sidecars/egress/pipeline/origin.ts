/** The connection to a request's origin (plain or TLS), dialled by the proxy itself. */

import { BufferedReader, type ByteStream, connStream } from "../conn_io.ts";
import type { ProxyContext } from "./context.ts";
import type { Decision } from "../policy/mod.ts";
import type { RoutePlan } from "./route_plan.ts";
import { checkAddresses, connectUpstream, type Found, startUpstreamTls } from "../upstream/mod.ts";

export interface Upstream {
  /** Origin and trust: a connection serves the next request only if they match. */
  key: string;
  stream: ByteStream;
  reader: BufferedReader;
  /** Its address came from the test-only name override (see upstream/resolve.ts Found). */
  nameOverride: boolean;
  /** Carried a previous exchange: it may have been closed by the server meanwhile. */
  reused: boolean;
}

/** An exchange failed with a status the proxy answers itself. */
export class ExchangeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function upstreamKey(plan: RoutePlan): string {
  const { origin } = plan;
  return `${origin.scheme}://${origin.host}:${origin.port} ${plan.caPem ?? ""}`;
}

/**
 * Resolves (refusing private addresses unless the policy or the operator's `upstream`
 * named the address), dials and, for https, verifies TLS with the real host as SNI.
 * `pinned`: the addresses the tunnel's host was looked up to when the tunnel opened; used
 * (checked again under the current decision, not looked up again) unless the plan goes to
 * the operator's `upstream`.
 */
export async function dialOrigin(
  ctx: ProxyContext,
  plan: RoutePlan,
  decision: Decision,
  pinned: Found | null,
): Promise<Upstream> {
  const { origin } = plan;
  const answer = pinned !== null && !plan.override
    ? { ok: true as const, ...pinned }
    : await ctx.resolver.resolve(origin.host);
  const resolution = checkAddresses(origin.host, answer, {
    ipLiteralRule: decision.ipLiteralRule || plan.override,
  });
  if (!resolution.ok) throw new ExchangeError(resolution.status, resolution.reason);
  const tcp = await connectUpstream(resolution.addresses, origin.port, ctx.timeouts.connectMs);
  const stream = origin.scheme === "https"
    ? await startUpstreamTls(tcp, origin.host, plan.caPem, ctx.timeouts.connectMs)
    : connStream(tcp);
  return {
    key: upstreamKey(plan),
    stream,
    reader: new BufferedReader(stream),
    nameOverride: resolution.nameOverride,
    reused: false,
  };
}
