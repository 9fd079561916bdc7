/** What every connection handler of the proxy shares. */

import type { AuditEntry, AuditSink } from "../audit/log.ts";
import type { CompiledPolicy, Decision } from "../policy/decide.ts";
import type { DlpEngine, DlpFinding } from "../dlp/types.ts";
import type { SecretTable } from "../secrets/table.ts";
import type { ServerContexts } from "../tls/server.ts";
import type { Lookup } from "../upstream/resolve.ts";

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
  testResolve: ReadonlyMap<string, string>;
  lookup: Lookup;
  timeouts: ProxyTimeouts;
  log(line: string): void;
}

type AuditBase = Pick<AuditEntry, "bottle" | "method" | "host" | "port" | "path" | "intercepted">;

export interface AuditExtras {
  testResolve?: boolean;
  /** The path itself tripped DLP: the line says so instead of repeating it. */
  hidePath?: boolean;
  injected?: string | null;
  warnings?: readonly DlpFinding[];
}

/** Builds audit entries for one request; `decision` stamps the duration. */
export class AuditRecorder {
  private readonly started = Date.now();
  private readonly ts = new Date(this.started).toISOString();

  constructor(private readonly sink: AuditSink, private readonly base: AuditBase) {}

  decision(
    decision: Pick<Decision, "verdict" | "rule" | "reason">,
    status: number,
    bytes: { up: number; down: number } = { up: 0, down: 0 },
    extras: AuditExtras = {},
  ): void {
    const entry: AuditEntry = {
      ts: this.ts,
      ...this.base,
      rule: decision.rule,
      verdict: decision.verdict,
      reason: decision.reason,
      status,
      bytes_up: bytes.up,
      bytes_down: bytes.down,
      ms: Date.now() - this.started,
    };
    if (extras.hidePath && entry.path !== null) entry.path = "[withheld: flagged by DLP]";
    if (extras.injected) entry.injected = extras.injected;
    if (extras.warnings !== undefined && extras.warnings.length > 0) {
      entry.dlp_warnings = [...new Set(extras.warnings.map((f) => `${f.rule}@${f.where}`))];
    }
    if (extras.testResolve) entry.test_resolve = true;
    this.sink.record(entry);
  }
}
