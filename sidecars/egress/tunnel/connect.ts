/**
 * `CONNECT host:port`: decide, look the host up and check its addresses (a refusal is the
 * answer, never a 200 first), then either intercept (terminate TLS with a leaf for the
 * host and serve the HTTP requests inside) or, for passthrough routes and when the proxy
 * has no CA, relay the tunnel untouched. A tunnel allowed only by a supervise grant narrowed
 * to a path prefix is always intercepted (refused when the proxy has no CA), so each request
 * inside is held to the prefix; a relayed tunnel opened under a grant ends with the grant.
 */

import { AuditRecorder } from "../audit/mod.ts";
import type { ProxyContext } from "../pipeline/mod.ts";
import { type BufferedReader, closeQuietly, connStream } from "../conn_io.ts";
import { decide, type Decision, hasUpstreamOverride, isPassthrough } from "../policy/mod.ts";
import {
  type Authority,
  CONNECT_ESTABLISHED,
  parseConnectAuthority,
  proxyErrorResponse,
  type RequestHead,
} from "../http/mod.ts";
import { runTunnel } from "./relay.ts";
import { connectUpstream, type Found, resolveUpstream } from "../upstream/mod.ts";

export async function handleConnect(
  ctx: ProxyContext,
  client: BufferedReader,
  head: RequestHead,
): Promise<void> {
  const { policy } = ctx.config();
  const authority = parseConnectAuthority(head.target);
  const what = `CONNECT ${head.target.slice(0, 300)}`;
  const decision = authority === null
    ? null
    : decide(policy, authority.host, authority.port, Date.now());
  const prefixGrant = (decision?.grant?.pathPrefix ?? "") !== "";
  const intercept = ctx.tls !== null && authority !== null &&
    (prefixGrant || !isPassthrough(policy.routes, authority.host));
  const audit = new AuditRecorder(ctx.audit, {
    bottle: policy.bottle,
    method: "CONNECT",
    host: authority?.host ?? head.target.slice(0, 300),
    port: authority?.port ?? 0,
    path: null,
    intercepted: intercept,
  });
  const refuse = async (
    status: number,
    verdict: "allow" | "deny",
    rule: string | null,
    reason: string,
  ): Promise<void> => {
    audit.decision({ verdict, rule, reason, grant: decision?.grant }, status);
    await client.stream.write(proxyErrorResponse(status, what, reason)).catch(() => {});
  };
  if (authority === null || decision === null) {
    return refuse(400, "deny", null, "CONNECT target must be host:port");
  }
  if (decision.verdict === "deny") return refuse(403, "deny", decision.rule, decision.reason);
  if (prefixGrant && !intercept) {
    return refuse(
      403,
      "deny",
      decision.rule,
      `${decision.reason}, but this proxy cannot intercept TLS (it has no CA), so it cannot ` +
        `check the paths: the tunnel is refused`,
    );
  }
  const interceptWith = async (pinned: Found | null): Promise<void> => {
    const { interceptTunnel } = await import("./intercept.ts");
    return interceptTunnel(ctx, client, authority, decision, audit, pinned);
  };
  // Requests to a host with an operator `upstream` route may never need the host itself.
  if (intercept && hasUpstreamOverride(policy.routes, authority.host)) return interceptWith(null);
  // Looked up and checked before any 200; only the checked addresses are dialled later.
  const resolution = await resolveUpstream(ctx.resolver, authority.host, decision);
  if (!resolution.ok) {
    const verdict = resolution.status === 403 ? "deny" : "allow";
    return refuse(resolution.status, verdict, decision.rule, resolution.reason);
  }
  if (intercept) return interceptWith(resolution);
  return passthrough(ctx, client, authority, resolution, decision, audit, refuse);
}

async function passthrough(
  ctx: ProxyContext,
  client: BufferedReader,
  authority: Authority,
  resolution: Found,
  decision: Decision,
  audit: AuditRecorder,
  refuse: (
    status: number,
    verdict: "allow" | "deny",
    rule: string | null,
    reason: string,
  ) => Promise<void>,
): Promise<void> {
  let upstream: Deno.TcpConn;
  try {
    upstream = await connectUpstream(resolution.addresses, authority.port, ctx.timeouts.connectMs);
  } catch (error) {
    return refuse(502, "allow", decision.rule, (error as Error).message);
  }
  const extras = { nameOverride: resolution.nameOverride };
  try {
    await client.stream.write(CONNECT_ESTABLISHED);
  } catch {
    upstream.close();
    audit.decision(decision, 200, undefined, extras);
    return;
  }
  let ended: string | null = null;
  const unwatch = decision.grant === undefined ? null : ctx.grantedTunnels.watch({
    host: authority.host,
    port: authority.port,
    end(reason): void {
      ended = reason;
      closeQuietly(client.stream);
      closeQuietly(upstream);
    },
  });
  try {
    const bytes = await runTunnel(client, connStream(upstream));
    const reason = ended === null
      ? decision.reason
      : `${decision.reason}; closed when the grant no longer allowed it: ${ended}`;
    audit.decision({ ...decision, reason }, 200, bytes, extras);
  } finally {
    unwatch?.();
  }
}
