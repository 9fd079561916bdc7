/**
 * The DLP contract between the proxy's request pipeline and the scanning engine. The
 * engine is pure (no I/O); the pipeline feeds it every part of a request that leaves the
 * bottle and blocks or warns on what it reports.
 */

export type DlpAction = "block" | "warn";
export type DlpWhere = "url" | "header" | "body";

export interface DlpFinding {
  /** Rule id, e.g. `aws-access-key-id` or `bottle-secret:api.anthropic.com` (never the secret). */
  rule: string;
  action: DlpAction;
  where: DlpWhere;
  /** A short, secret-free description for the block response and the audit log. */
  detail: string;
}

/** One request header (names keep their case; comparisons are case-insensitive). */
export interface DlpHeader {
  name: string;
  value: string;
}

/** The operator's real secrets a bottle's routes inject: scanned for in every encoding. */
export interface BottleSecret {
  /** Stable id for rule names, e.g. the route host (never the value). */
  id: string;
  value: string;
}

export interface DlpConfig {
  /** Per-rule host exemptions and actions; rules not listed block. */
  rules: Record<string, { action?: DlpAction; exemptHosts?: string[] }>;
  bottleSecrets: BottleSecret[];
  /** Bodies larger than this (after decoding) are blocked, fail-closed. */
  maxBodyBytes: number;
}

/**
 * Incremental body scanning. `push` returns findings as soon as they are certain; bytes a
 * chunk ends with that could still be the start of a secret are held back, and `safeBytes`
 * says how many bytes of the input so far may be forwarded. `end` flushes.
 */
export interface BodyScan {
  push(chunk: Uint8Array): DlpFinding[];
  /** How many bytes of everything pushed so far are scanned and safe to forward. */
  readonly safeBytes: number;
  end(): DlpFinding[];
}

export interface DlpEngine {
  scanUrl(host: string, pathAndQuery: string): DlpFinding[];
  scanHeaders(host: string, headers: DlpHeader[]): DlpFinding[];
  /**
   * A scanner for one body. `contentEncoding` (gzip, deflate, br, identity) is decoded; an
   * unknown encoding yields a block finding (fail-closed) from `end`.
   */
  scanBody(host: string, contentType: string | null, contentEncoding: string | null): BodyScan;
}
