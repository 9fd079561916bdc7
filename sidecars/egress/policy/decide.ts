/**
 * The egress verdict for one destination: deny rules first, then allow, default deny.
 * Pure: no I/O, no clock. Reasons are written for the agent that gets blocked: they say why
 * and what the operator has to change.
 */

import {
  canonicalHost,
  type HostRule,
  HostRuleError,
  type HostRuleList,
  isIpLiteral,
  parseHostRule,
  ruleMatches,
} from "../../../lib/net/mod.ts";
import { compileDlpPolicy, type DlpSettings } from "./dlp_settings.ts";
import type { EgressPolicy } from "./wire.ts";
import { type CompiledRoute, compileRoutes } from "./routes.ts";

export interface CompiledPolicy {
  bottle: string;
  allow: HostRule[];
  deny: HostRule[];
  routes: CompiledRoute[];
  dlp: DlpSettings;
}

export interface Decision {
  verdict: "allow" | "deny";
  /** The rule that decided, as written; null for the default deny. */
  rule: string | null;
  reason: string;
  /**
   * The allowing rule names one IP address exactly: the operator chose that address, so
   * the proxy's refusal of private addresses does not apply.
   */
  ipLiteralRule: boolean;
}

export class PolicyError extends Error {
  override name = "PolicyError";
}

/** Validates a policy (as parsed from JSON, so nothing is trusted) and compiles its rules. */
export function compilePolicy(policy: EgressPolicy): CompiledPolicy {
  const raw: unknown = policy;
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new PolicyError("invalid egress policy: expected a JSON object");
  }
  const record = raw as Record<string, unknown>;
  if (record.version !== 1) {
    problems.push(`version must be 1 (got ${JSON.stringify(record.version) ?? "nothing"})`);
  }
  const bottle = record.bottle;
  // deno-lint-ignore no-control-regex
  if (typeof bottle !== "string" || bottle === "" || /[\x00-\x1f\x7f]/.test(bottle)) {
    problems.push("bottle must be a non-empty string");
  }
  const allow = compileList(record.allow, "allow", problems);
  const deny = compileList(record.deny, "deny", problems);
  const routes = compileRoutes(record.routes, problems);
  const dlp = compileDlpPolicy(record.dlp, problems);
  if (problems.length > 0) {
    throw new PolicyError(`invalid egress policy: ${problems.join("; ")}`);
  }
  return { bottle: bottle as string, allow, deny, routes, dlp };
}

function compileList(value: unknown, list: HostRuleList, problems: string[]): HostRule[] {
  if (!Array.isArray(value)) {
    problems.push(`${list} must be an array of host rules`);
    return [];
  }
  const rules: HostRule[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item !== "string") {
      problems.push(`${list}[${index}] must be a string`);
      return;
    }
    try {
      rules.push(parseHostRule(item, list));
    } catch (error) {
      if (!(error instanceof HostRuleError)) throw error;
      problems.push(`${list}[${index}]: ${error.message} (${error.hint})`);
    }
  });
  return rules;
}

/** The verdict for `host:port`. `host` may be in any form a client sends; it is canonicalised. */
export function decide(policy: CompiledPolicy, host: string, port: number): Decision {
  const manifest = `bottles/${policy.bottle}.md`;
  const canonical = canonicalHost(host);
  if (canonical === null) {
    return deny(null, `${quote(host)} is not a valid host name`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return deny(null, `port ${port} is not a valid port`);
  }
  const denied = policy.deny.find((rule) => ruleMatches(rule, canonical, port));
  if (denied !== undefined) {
    return deny(
      denied.text,
      `host ${quote(canonical)} is denied by egress.deny rule ${quote(denied.text)} ` +
        `(remove or narrow that rule in ${manifest} to allow it)`,
    );
  }
  const matching = policy.allow.filter((rule) => ruleMatches(rule, canonical, port));
  const allowed = matching.find((rule) => rule.kind === "exact") ?? matching[0];
  if (allowed !== undefined) {
    return {
      verdict: "allow",
      rule: allowed.text,
      reason: `allowed by egress.allow rule ${quote(allowed.text)}`,
      ipLiteralRule: allowed.kind === "exact" && isIpLiteral(allowed.host),
    };
  }
  return deny(null, notAllowedReason(policy, canonical, port, manifest));
}

function notAllowedReason(
  policy: CompiledPolicy,
  host: string,
  port: number,
  manifest: string,
): string {
  const otherPort = policy.allow.find((rule) =>
    rule.port !== null && ruleMatches({ ...rule, port: null }, host, port)
  );
  if (otherPort !== undefined) {
    return `port ${port} of host ${quote(host)} is not allowed: egress.allow rule ` +
      `${quote(otherPort.text)} allows port ${otherPort.port} only ` +
      `(add ${quote(`${host}:${port}`)} under egress.allow in ${manifest})`;
  }
  const apex = policy.allow.find((rule) => rule.kind === "subdomains" && rule.host === host);
  if (apex !== undefined) {
    return `host ${quote(host)} is not in this bottle's egress allowlist: ` +
      `${quote(apex.text)} matches subdomains only (add ${quote(host)} under egress.allow ` +
      `in ${manifest})`;
  }
  return `host ${quote(host)} is not in this bottle's egress allowlist ` +
    `(add it under egress.allow in ${manifest})`;
}

function deny(rule: string | null, reason: string): Decision {
  return { verdict: "deny", rule, reason, ipLiteralRule: false };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
