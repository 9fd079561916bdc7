/** One request's audit line, built as the request goes and written once it is decided. */

import type { AuditEntry, AuditSink } from "./log.ts";
import type { Decision } from "../policy/mod.ts";
import type { DlpFinding } from "../dlp/mod.ts";

type AuditBase = Pick<AuditEntry, "bottle" | "method" | "host" | "port" | "path" | "intercepted">;

export interface AuditExtras {
  /** The address came from the test-only name override (upstream/name_override.ts). */
  nameOverride?: boolean;
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
    decision: Pick<Decision, "verdict" | "rule" | "reason" | "grant">,
    status: number,
    bytes: { up: number; down: number } = { up: 0, down: 0 },
    extras: AuditExtras = {},
  ): void {
    const entry: AuditEntry = {
      ts: this.ts,
      ...this.base,
      rule: decision.rule,
      ...(decision.grant === undefined ? {} : { grant: decision.grant.request }),
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
    if (extras.nameOverride) entry.test_resolve = true;
    this.sink.record(entry);
  }
}
