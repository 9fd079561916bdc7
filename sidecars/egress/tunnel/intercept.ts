/**
 * An intercepted tunnel: the proxy answers the CONNECT itself, terminates the client's
 * TLS with a leaf certificate for the CONNECT host, and serves the HTTP/1.1 requests
 * inside through the shared request pipeline. Anything else inside is closed and audited.
 */

import type { AuditRecorder } from "../audit/mod.ts";
import { type ProxyContext, serveConnection } from "../pipeline/mod.ts";
import type { SecureContext } from "node:tls";
import { BufferedReader, type ByteStream, closeQuietly } from "../conn_io.ts";
import type { Decision } from "../policy/mod.ts";
import { type Authority, CONNECT_ESTABLISHED, proxyErrorResponse } from "../http/mod.ts";
import { acceptTls } from "../tls/server.ts";
import type { Found } from "../upstream/mod.ts";

export const NOT_TLS_RULE = "not-tls";
export const NOT_HTTP_RULE = "not-http";

export async function interceptTunnel(
  ctx: ProxyContext,
  client: BufferedReader,
  authority: Authority,
  decision: Decision,
  audit: AuditRecorder,
  pinned: Found | null,
): Promise<void> {
  const what = `CONNECT ${authority.host}:${authority.port}`;
  let context: SecureContext;
  try {
    context = await (await ctx.tls!()).contextFor(authority.host);
  } catch (error) {
    const reason = `cannot mint a certificate for ${authority.host}: ${(error as Error).message}`;
    ctx.log(`egress: ${reason}`);
    audit.decision({ ...decision, reason }, 502);
    await client.stream.write(proxyErrorResponse(502, what, reason)).catch(() => {});
    return;
  }
  try {
    await client.stream.write(CONNECT_ESTABLISHED);
  } catch {
    audit.decision({ ...decision, reason: "the client left before the tunnel opened" }, 200);
    return;
  }
  const notTls = await firstByteIsNotTls(client, ctx.timeouts.firstHeadMs);
  if (notTls !== null) {
    closeQuietly(client.stream);
    audit.decision({ verdict: "deny", rule: NOT_TLS_RULE, reason: notTls }, 200);
    return;
  }
  let decrypted: ByteStream;
  try {
    decrypted = await acceptTls(client, context, ctx.timeouts.firstHeadMs);
  } catch (error) {
    closeQuietly(client.stream);
    const reason = `TLS handshake with the client failed: ${(error as Error).message} ` +
      `(the client must trust this bottle's CA; for traffic that must not be intercepted, ` +
      `add a route with passthrough: true for ${authority.host})`;
    audit.decision({ verdict: "deny", rule: NOT_TLS_RULE, reason }, 200);
    return;
  }
  let badHead: string | null = null;
  const served = await serveConnection(
    ctx,
    new BufferedReader(decrypted),
    { kind: "intercepted", host: authority.host, port: authority.port, pinned },
    {
      takeOver(head): Promise<void> | null {
        if (head.method !== "CONNECT") return null;
        return decrypted.write(
          proxyErrorResponse(400, "CONNECT", "CONNECT inside an intercepted tunnel"),
        ).catch(() => {});
      },
      onBadHead(_status, message, first): void {
        badHead = first
          ? `the client sent something other than HTTP/1.x inside the TLS tunnel (${message}); ` +
            `for other protocols add a route with passthrough: true for ${authority.host}`
          : `malformed request inside the tunnel: ${message}`;
      },
    },
  );
  if (badHead !== null) {
    audit.decision({ verdict: "deny", rule: NOT_HTTP_RULE, reason: badHead }, 400);
  } else {
    audit.decision(
      { ...decision, reason: `${decision.reason}; intercepted, ${served} requests` },
      200,
    );
  }
}

/**
 * A TLS record starts with 0x16 (handshake). Anything else (SSH, plain HTTP…) cannot be
 * intercepted: the reason says what arrived. Null when it looks like TLS.
 */
async function firstByteIsNotTls(
  client: BufferedReader,
  timeoutMs: number,
): Promise<string | null> {
  let chunk: Uint8Array | null;
  try {
    chunk = await client.read(Date.now() + timeoutMs);
  } catch {
    return `the client sent nothing within ${timeoutMs} ms after the tunnel opened`;
  }
  if (chunk === null) return "the client closed the tunnel without sending anything";
  client.unshift(chunk);
  if (chunk[0] === 0x16) return null;
  return `the client did not start TLS inside the tunnel (it sent ${describeProtocol(chunk)}); ` +
    `the proxy intercepts tunnels to read HTTPS, so other protocols need a route with ` +
    `passthrough: true`;
}

/** A name for what arrived, without echoing the bytes (they could carry anything). */
function describeProtocol(bytes: Uint8Array): string {
  const start = new TextDecoder().decode(bytes.subarray(0, 8));
  if (start.startsWith("SSH-")) return "an SSH greeting";
  if (/^[A-Z]{3,7} /.test(start)) return "a plain-text HTTP request";
  return `a first byte of 0x${bytes[0].toString(16).padStart(2, "0")}`;
}
