/** The gate's audit log: one JSON line per decision in `LOG_DIR/git.jsonl`; never a credential. */

import { join } from "node:path";
import { GATE_AUDIT_FILE } from "./wire.ts";

export interface GateAuditEntry {
  ts: string;
  bottle: string;
  upstream: string;
  op: "fetch" | "push";
  ref: string | null;
  old: string | null;
  new: string | null;
  verdict: "allow" | "deny" | "error";
  rule: string;
  /** The supervise request whose grant allowed the push (`rule` is then `grant:request N`). */
  grant?: number;
  bytes: number | null;
  message: string;
}

export type AuditRecord = (entry: Omit<GateAuditEntry, "ts">) => void;

export function formatEntry(entry: GateAuditEntry): string {
  const { ts, bottle, upstream, op, ref, old, new: next, verdict, rule, grant, bytes, message } =
    entry;
  const granted = grant === undefined ? {} : { grant };
  return `${
    JSON.stringify({
      ts,
      bottle,
      upstream,
      op,
      ref,
      old,
      new: next,
      verdict,
      rule,
      ...granted,
      bytes,
      message,
    })
  }\n`;
}

/** Appends with O_APPEND and one write per line, so lines never interleave. */
export function fileAudit(logDir: string, onError: (message: string) => void): AuditRecord {
  Deno.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const file = Deno.openSync(join(logDir, GATE_AUDIT_FILE), {
    append: true,
    create: true,
    mode: 0o600,
  });
  const encoder = new TextEncoder();
  return (entry) => {
    const bytes = encoder.encode(formatEntry({ ts: new Date().toISOString(), ...entry }));
    try {
      let offset = 0;
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
    } catch (error) {
      onError(`gitgate: cannot write the audit log: ${(error as Error).message}`);
    }
  };
}
