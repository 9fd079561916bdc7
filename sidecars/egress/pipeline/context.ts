/** What every connection handler of the proxy shares. */

import type { AuditSink } from "../audit/mod.ts";
import type { CompiledPolicy } from "../policy/mod.ts";
import type { DlpEngine } from "../dlp/mod.ts";
import type { SecretTable } from "../secrets/mod.ts";
import type { ServerContexts } from "../tls/server.ts";
import type { Resolver } from "../upstream/mod.ts";

export interface ProxyTimeouts {
  /** Dialling one upstream address (and its TLS handshake). */
  connectMs: number;
  /** From accepting a connection to the end of its first request head (and TLS handshake). */
  firstHeadMs: number;
  /** Between requests on a kept-alive client connection. */
  idleMs: number;
}

/** Everything a reload swaps at once: a request uses one snapshot from start to end. */
export interface ProxyConfig {
  policy: CompiledPolicy;
  secrets: SecretTable;
  /** Null when DLP is off (no engine given). */
  dlp: DlpEngine | null;
}

/** A passthrough tunnel opened under a supervise grant. */
export interface GrantedTunnel {
  host: string;
  port: number;
  /** Closes both sides of the tunnel; `reason` says why (it is audited). */
  end(reason: string): void;
}

/**
 * Passthrough tunnels opened under a grant, each ended once the policy in force no longer
 * lets it through (its grant expired, or a reload revoked it). A relayed tunnel carries no
 * requests to re-decide, so this is how a grant's end reaches it.
 */
export interface TunnelWatch {
  /** Watches `tunnel` until the returned function is called or the tunnel is ended. */
  watch(tunnel: GrantedTunnel): () => void;
}

export interface ProxyContext {
  /** The configuration in force now (hot reload swaps it; running exchanges keep theirs). */
  config(): ProxyConfig;
  /**
   * Leaf certificates for interception, loaded on first use (node:tls and the X.509 library
   * cost ~100 ms of start-up otherwise); null: every CONNECT is a plain tunnel.
   */
  tls: (() => Promise<ServerContexts>) | null;
  audit: AuditSink;
  /** Names to addresses (checked afterwards: upstream/resolve.ts). */
  resolver: Resolver;
  timeouts: ProxyTimeouts;
  grantedTunnels: TunnelWatch;
  log(line: string): void;
}
