/** What every connection handler of the proxy shares. */

import type { AuditEntry, AuditSink } from "./audit.ts";
import type { CompiledPolicy, Decision } from "./decide.ts";
import type { Lookup } from "./upstream.ts";

export interface ProxyTimeouts {
  /** Dialling one upstream address. */
  connectMs: number;
  /** From accepting a connection to the end of its first request head. */
  firstHeadMs: number;
  /** Between requests on a kept-alive client connection. */
  idleMs: number;
}

export interface ProxyContext {
  /** The policy in force now (hot reload swaps it; running exchanges keep theirs). */
  policy(): CompiledPolicy;
  audit: AuditSink;
  testResolve: ReadonlyMap<string, string>;
  lookup: Lookup;
  timeouts: ProxyTimeouts;
  log(line: string): void;
}

/** Builds audit entries for one request; `finish` stamps the duration. */
export class AuditRecorder {
  private readonly started = Date.now();
  private readonly ts = new Date(this.started).toISOString();

  constructor(
    private readonly sink: AuditSink,
    private readonly base: Pick<AuditEntry, "bottle" | "method" | "host" | "port" | "path">,
  ) {}

  decision(
    decision: Pick<Decision, "verdict" | "rule" | "reason">,
    status: number,
    bytes: { up: number; down: number } = { up: 0, down: 0 },
    testResolve = false,
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
    if (testResolve) entry.test_resolve = true;
    this.sink.record(entry);
  }
}
