/** `CONNECT host:port`: decide, resolve, dial, then tunnel (TLS passes through untouched). */

import { AuditRecorder, type ProxyContext } from "./context.ts";
import { type BufferedReader, writeAll } from "./conn_io.ts";
import { decide } from "./decide.ts";
import { parseConnectAuthority, type RequestHead } from "./http_head.ts";
import { CONNECT_ESTABLISHED, proxyErrorResponse } from "./responses.ts";
import { runTunnel } from "./tunnel.ts";
import { connectUpstream, resolveUpstream } from "./upstream.ts";

export async function handleConnect(
  ctx: ProxyContext,
  client: BufferedReader,
  head: RequestHead,
): Promise<void> {
  const policy = ctx.policy();
  const authority = parseConnectAuthority(head.target);
  const what = `CONNECT ${head.target.slice(0, 300)}`;
  const audit = new AuditRecorder(ctx.audit, {
    bottle: policy.bottle,
    method: "CONNECT",
    host: authority?.host ?? head.target.slice(0, 300),
    port: authority?.port ?? 0,
    path: null,
  });
  const refuse = async (
    status: number,
    verdict: "allow" | "deny",
    rule: string | null,
    reason: string,
  ): Promise<void> => {
    audit.decision({ verdict, rule, reason }, status);
    await writeAll(client.conn, proxyErrorResponse(status, what, reason)).catch(() => {});
  };
  if (authority === null) {
    return refuse(400, "deny", null, "CONNECT target must be host:port");
  }
  const decision = decide(policy, authority.host, authority.port);
  if (decision.verdict === "deny") return refuse(403, "deny", decision.rule, decision.reason);
  const resolution = await resolveUpstream(authority.host, decision, ctx.testResolve, ctx.lookup);
  if (!resolution.ok) {
    const verdict = resolution.status === 403 ? "deny" : "allow";
    return refuse(resolution.status, verdict, decision.rule, resolution.reason);
  }
  let upstream: Deno.TcpConn;
  try {
    upstream = await connectUpstream(resolution.addresses, authority.port, ctx.timeouts.connectMs);
  } catch (error) {
    return refuse(502, "allow", decision.rule, (error as Error).message);
  }
  try {
    await writeAll(client.conn, CONNECT_ESTABLISHED);
  } catch {
    upstream.close();
    audit.decision(decision, 200, undefined, resolution.testResolve);
    return;
  }
  const bytes = await runTunnel(client, upstream);
  audit.decision(decision, 200, bytes, resolution.testResolve);
}
