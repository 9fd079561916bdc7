/**
 * What leaves the bottle is checked before it goes: placeholders outside their route's
 * own auth header, the DLP engine's findings on URL, headers and body (in a conversation
 * body, see conversation.ts), and pieces of the bottle's secrets across requests
 * (split_watch.ts). Every block names its rule and where it matched, never the secret.
 */

import { inConversation } from "./conversation.ts";
import type { BodyScan, DlpEngine, DlpFinding, DlpHeader, DlpWhere } from "../dlp/mod.ts";
import { findIn, type Needle, StreamDetector } from "../secrets/mod.ts";
import type { SplitBody } from "./split_watch.ts";
import type { Block } from "./block.ts";

export type { Block } from "./block.ts";

export const PLACEHOLDER_RULE = "placeholder-leak";
/** The DLP engine could not be loaded: everything inspected is refused. */
export const DLP_UNAVAILABLE_RULE = "dlp-unavailable";
/** The engine's findings of the bottle's own secrets: `bottle-secret:<route id>`. */
export const BOTTLE_SECRET_RULE_PREFIX = "bottle-secret:";

export interface HeadCheck {
  block: Block | null;
  warnings: DlpFinding[];
}

export interface HeadInput {
  dlp: DlpEngine | null;
  placeholders: readonly Needle[];
  host: string;
  /** Origin-form path and query as the agent sent it. */
  path: string;
  /** What the agent sent, minus the credential header its route injects. */
  headers: DlpHeader[];
  bottle: string;
}

export function checkHead(input: HeadInput): HeadCheck {
  const leak = placeholderInUrl(input) ?? placeholderInHeaders(input);
  if (leak !== null) return { block: leak, warnings: [] };
  if (input.dlp === null) return { block: null, warnings: [] };
  const findings = [
    ...input.dlp.scanUrl(input.host, input.path),
    ...input.dlp.scanHeaders(input.host, input.headers),
  ];
  return verdict(findings, input.bottle);
}

function verdict(findings: DlpFinding[], bottle: string): HeadCheck {
  const blocking = findings.find((f) => f.action === "block");
  return {
    block: blocking === undefined ? null : dlpBlock(blocking, bottle),
    warnings: findings.filter((f) => f.action === "warn"),
  };
}

function placeholderInUrl(input: HeadInput): Block | null {
  const found = findIn(input.path, input.placeholders) ??
    findIn(safeDecode(input.path), input.placeholders);
  return found === null ? null : leak(found.label, "url", "the URL", input.host);
}

function placeholderInHeaders(input: HeadInput): Block | null {
  for (const header of input.headers) {
    const found = findIn(header.value, input.placeholders);
    if (found !== null) {
      return leak(found.label, "header", `header ${JSON.stringify(header.name)}`, input.host);
    }
  }
  return null;
}

function leak(route: string, where: DlpWhere, place: string, host: string): Block {
  return {
    rule: PLACEHOLDER_RULE,
    where,
    reason: `rule "${PLACEHOLDER_RULE}" matched ${place}: the credential placeholder of route ` +
      `${JSON.stringify(route)} was sent in it, in a request to ${JSON.stringify(host)}; the ` +
      `proxy swaps it for the real credential only in the auth header of requests on that ` +
      `route, and sends it nowhere else`,
  };
}

export function dlpBlock(finding: DlpFinding, bottle: string): Block {
  const place = finding.where === "url"
    ? "the URL"
    : finding.where === "header"
    ? "a request header"
    : "the request body";
  if (finding.rule === DLP_UNAVAILABLE_RULE) {
    return { rule: `dlp:${finding.rule}`, where: finding.where, reason: finding.detail };
  }
  const advice = finding.rule.startsWith(BOTTLE_SECRET_RULE_PREFIX)
    ? "the proxy does not let the bottle's real credentials out (they are injected only on " +
      "their own route)"
    : `if this is intended, set egress.dlp.rules in bottles/${bottle}.md`;
  return {
    rule: `dlp:${finding.rule}`,
    where: finding.where,
    reason: `DLP rule ${JSON.stringify(finding.rule)} matched ${place}: ${finding.detail} ` +
      `(${advice})`,
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface BodyCheckInput {
  scan: BodyScan | null;
  placeholders: readonly Needle[];
  host: string;
  bottle: string;
  /** The body is a conversation on a credentialed route: see conversation.ts. */
  conversation: boolean;
  /** Pieces of the bottle's secrets across requests (split_watch.ts); null: not watched. */
  split: SplitBody | null;
}

/**
 * A request body on its way out: DLP scan, placeholder watch and fragment watch side by
 * side. Bytes are forwarded only once all of them say they are safe.
 */
export class BodyCheck {
  private readonly detector: StreamDetector | null;
  readonly warnings: DlpFinding[] = [];

  constructor(private readonly input: BodyCheckInput) {
    this.detector = input.placeholders.length > 0 ? new StreamDetector(input.placeholders) : null;
  }

  get safeBytes(): number {
    return Math.min(
      this.input.scan?.safeBytes ?? Infinity,
      this.detector?.safeBytes ?? Infinity,
      this.input.split?.safeBytes ?? Infinity,
    );
  }

  push(piece: Uint8Array): Block | null {
    const found = this.detector?.push(piece) ?? null;
    if (found !== null) return leak(found.label, "body", "the request body", this.input.host);
    return this.take(this.input.scan?.push(piece) ?? []) ?? this.input.split?.push(piece) ?? null;
  }

  end(): Block | null {
    this.detector?.end();
    return this.take(this.input.scan?.end() ?? []) ?? this.input.split?.end() ?? null;
  }

  private take(findings: DlpFinding[]): Block | null {
    const check = verdict(
      this.input.conversation ? inConversation(findings) : findings,
      this.input.bottle,
    );
    this.warnings.push(...check.warnings);
    return check.block;
  }
}
