/**
 * What happens to a finding: the rule's action (block unless configured to warn) and its
 * host exemptions (`example.com` exactly, `*.example.com` its subdomains, as in the egress
 * host rules). Findings are de-duplicated per rule within one scan.
 */
import { canonicalHost, type HostRule, parseHostRule, ruleMatches } from "../../../lib/net/mod.ts";
import type { FindingSink } from "./matcher.ts";
import type { DlpAction, DlpConfig, DlpFinding, DlpWhere } from "./types.ts";

interface RuleSettings {
  action: DlpAction;
  exempt: HostRule[];
}

/** A host as given to the engine (maybe with a port; 0 when none), canonicalised. */
function parseHost(host: string): { name: string; port: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim());
  const bare = m ? m[1] : host.trim();
  return { name: canonicalHost(bare) ?? bare.toLowerCase(), port: m?.[2] ? Number(m[2]) : 0 };
}

export class RulePolicy {
  readonly #rules = new Map<string, RuleSettings>();

  /** Throws HostRuleError for an invalid `exemptHosts` entry. */
  constructor(rules: DlpConfig["rules"]) {
    for (const [id, setting] of Object.entries(rules)) {
      this.#rules.set(id, {
        action: setting.action ?? "block",
        exempt: (setting.exemptHosts ?? []).map((text) => parseHostRule(text, "deny")),
      });
    }
  }

  action(rule: string): DlpAction {
    return this.#rules.get(rule)?.action ?? "block";
  }

  exempt(rule: string, host: string): boolean {
    const exempt = this.#rules.get(rule)?.exempt ?? [];
    if (exempt.length === 0) return false;
    const { name, port } = parseHost(host);
    return exempt.some((r) => ruleMatches(r, name, port));
  }
}

/** Collects one scan's findings, one per rule, as DlpFindings for the host. */
export class FindingCollector implements FindingSink {
  readonly #seen = new Set<string>();
  #pending: DlpFinding[] = [];

  constructor(
    private readonly policy: RulePolicy,
    private readonly host: string,
    private readonly where: DlpWhere,
  ) {}

  seen(rule: string): boolean {
    return this.#seen.has(rule);
  }

  report(rule: string, detail: string): void {
    if (this.#seen.has(rule)) return;
    this.#seen.add(rule);
    if (this.policy.exempt(rule, this.host)) return;
    this.#pending.push({ rule, action: this.policy.action(rule), where: this.where, detail });
  }

  /** Findings reported since the last call. */
  take(): DlpFinding[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }
}
