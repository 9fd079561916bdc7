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
  log(line: string): void;
}
