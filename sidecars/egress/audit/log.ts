/**
 * The egress audit log: one JSON line per decision in `logDir/egress.jsonl`, written when
 * the exchange ends (at decision time for denials). Never holds header values or query
 * strings.
 */

import { join } from "node:path";

export interface AuditEntry {
  /** ISO 8601 time the request arrived. */
  ts: string;
  bottle: string;
  method: string;
  host: string;
  port: number;
  /** Path without query string or fragment; null for CONNECT. */
  path: string | null;
  /** The request was read from an intercepted (decrypted) tunnel, or is that tunnel. */
  intercepted: boolean;
  rule: string | null;
  /** The supervise request whose grant allowed it (`rule` is then `grant:request N`). */
  grant?: number;
  verdict: "allow" | "deny";
  reason: string;
  /** HTTP status the proxy answered the client with (200 for an established tunnel). */
  status: number;
  bytes_up: number;
  bytes_down: number;
  ms: number;
  /** The route (id) whose credential the proxy injected into this request. */
  injected?: string;
  /** DLP findings that did not block (warn), as `rule@where`. */
  dlp_warnings?: string[];
  /** Present (true) only when the test-only name mapping chose the address. */
  test_resolve?: true;
}

export interface AuditSink {
  record(entry: AuditEntry): void;
}

const MAX_PATH = 2048;

/** The path for the audit log: query and fragment removed, length capped. */
export function redactPath(path: string): string {
  const cut = path.search(/[?#]/);
  const bare = cut < 0 ? path : path.slice(0, cut);
  return bare.length > MAX_PATH ? `${bare.slice(0, MAX_PATH)}…` : bare;
}

export function formatAuditLine(entry: AuditEntry): string {
  const ordered: AuditEntry = {
    ts: entry.ts,
    bottle: entry.bottle,
    method: entry.method,
    host: entry.host,
    port: entry.port,
    path: entry.path === null ? null : redactPath(entry.path),
    intercepted: entry.intercepted,
    rule: entry.rule,
    ...(entry.grant === undefined ? {} : { grant: entry.grant }),
    verdict: entry.verdict,
    reason: entry.reason,
    status: entry.status,
    bytes_up: entry.bytes_up,
    bytes_down: entry.bytes_down,
    ms: entry.ms,
  };
  if (entry.injected !== undefined) ordered.injected = entry.injected;
  if (entry.dlp_warnings !== undefined && entry.dlp_warnings.length > 0) {
    ordered.dlp_warnings = entry.dlp_warnings;
  }
  if (entry.test_resolve) ordered.test_resolve = true;
  return `${JSON.stringify(ordered)}\n`;
}

/**
 * Appends lines with O_APPEND and one write each, so concurrent writers never interleave
 * within a line.
 */
export class FileAudit implements AuditSink {
  private readonly file: Deno.FsFile;
  private readonly encoder = new TextEncoder();

  constructor(logDir: string, private readonly onError: (message: string) => void) {
    Deno.mkdirSync(logDir, { recursive: true, mode: 0o700 });
    this.file = Deno.openSync(join(logDir, "egress.jsonl"), {
      append: true,
      create: true,
      mode: 0o600,
    });
  }

  record(entry: AuditEntry): void {
    const bytes = this.encoder.encode(formatAuditLine(entry));
    try {
      let offset = 0;
      while (offset < bytes.length) offset += this.file.writeSync(bytes.subarray(offset));
    } catch (error) {
      this.onError(`egress: cannot write audit log: ${(error as Error).message}`);
    }
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      // already closed
    }
  }
}
