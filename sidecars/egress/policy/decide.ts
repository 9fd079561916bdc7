/**
 * The egress verdict for one destination: deny rules first (they always win), then allow
 * rules, then live supervise grants, default deny. Pure: no I/O; the time is passed in.
 * Reasons are written for the agent that gets blocked: they say why and what the operator has
 * to change (and, when the bottle has supervise, that the agent may ask a human).
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
import {
  allowanceOf,
  type CompiledGrant,
  compileGrants,
  expiredGrants,
  type GrantAllowance,
  grantRule,
  isLive,
  liveGrants,
  pickGrant,
} from "./grants.ts";
import type { EgressPolicy } from "./wire.ts";
import { type CompiledRoute, compileRoutes } from "./routes.ts";

export interface CompiledPolicy {
  bottle: string;
  allow: HostRule[];
  deny: HostRule[];
  routes: CompiledRoute[];
  dlp: DlpSettings;
  grants: CompiledGrant[];
  /** The bottle has supervise: a default deny tells the agent it may ask (request_egress). */
  supervise: boolean;
}

export interface Decision {
  verdict: "allow" | "deny";
  /**
   * The rule that decided, as written (`grant:request N` for a supervise grant); null for the
   * default deny.
   */
  rule: string | null;
  reason: string;
  /**
   * The allowing rule names one IP address exactly: the operator chose that address, so
   * the proxy's refusal of private addresses does not apply.
   */
  ipLiteralRule: boolean;
  /**
   * Present when a supervise grant allowed it. A CONNECT allowed by a grant narrowed to a
   * path prefix must be intercepted (never relayed), so each request inside is decided.
   */
  grant?: GrantAllowance;
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
  const grants = compileGrants(record.grants, problems);
  if (record.supervise !== undefined && typeof record.supervise !== "boolean") {
    problems.push("supervise must be true or false");
  }
  if (problems.length > 0) {
    throw new PolicyError(`invalid egress policy: ${problems.join("; ")}`);
  }
  return {
    bottle: bottle as string,
    allow,
    deny,
    routes,
    dlp,
    grants,
    supervise: record.supervise === true,
  };
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

/**
 * The verdict for `host:port` at `now` (epoch ms). `host` may be in any form a client sends;
 * it is canonicalised. `path` (origin-form) is the request's, or null for a CONNECT.
 */
export function decide(
  policy: CompiledPolicy,
  host: string,
  port: number,
  now: number,
  path: string | null = null,
): Decision {
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
    // Never a hint to ask: a grant cannot lift a deny rule.
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
  const live = liveGrants(policy.grants, canonical, port, now);
  const grant = pickGrant(live, path);
  if (grant !== null) return grantDecision(grant, path);
  const reason = live.length > 0 && path !== null
    ? outsidePrefixReason(live, canonical, path)
    : expiredReason(policy.grants, canonical, port, now) ??
      otherPortReason(policy.grants, canonical, port, now) ??
      notAllowedReason(policy, canonical, port, manifest);
  return deny(null, policy.supervise ? `${reason}\n${askHint(canonical)}` : reason);
}

function grantDecision(grant: CompiledGrant, path: string | null): Decision {
  let reason = `allowed by supervise grant (request ${grant.request})`;
  if (grant.pathPrefix !== "") {
    reason += path === null
      ? ` for paths starting with ${quote(grant.pathPrefix)} only (the tunnel is intercepted ` +
        `and each request checked)`
      : ` for paths starting with ${quote(grant.pathPrefix)}`;
  }
  if (grant.expiresAt !== null) reason += ` until ${new Date(grant.expiresAt).toISOString()}`;
  return {
    verdict: "allow",
    rule: grantRule(grant.request),
    reason,
    ipLiteralRule: false,
    grant: allowanceOf(grant),
  };
}

function outsidePrefixReason(live: CompiledGrant[], host: string, path: string): string {
  const prefixes = [...new Set(live.map((g) => g.pathPrefix))].map(quote).join(", ");
  const requests = [...new Set(live.map((g) => g.request))].join(", ");
  return `path ${quote(bare(path))} of host ${quote(host)} is outside what supervise granted ` +
    `(request ${requests}: paths starting with ${prefixes} only; a path with "." or ".." ` +
    `segments matches no prefix)`;
}

function expiredReason(
  grants: readonly CompiledGrant[],
  host: string,
  port: number,
  now: number,
): string | null {
  const [last] = expiredGrants(grants, host, port, now);
  if (last === undefined || last.expiresAt === null) return null;
  return `host ${quote(host)} was granted by supervise (request ${last.request}) until ` +
    `${new Date(last.expiresAt).toISOString()}, which has passed`;
}

function otherPortReason(
  grants: readonly CompiledGrant[],
  host: string,
  port: number,
  now: number,
): string | null {
  const other = grants.find((g) =>
    g.host === host && g.port !== null && g.port !== port && isLive(g, now)
  );
  if (other === undefined) return null;
  return `port ${port} of host ${quote(host)} is not allowed: supervise granted port ` +
    `${other.port} only (request ${other.request})`;
}

/** One more line for a default deny when the bottle has supervise. */
function askHint(host: string): string {
  return `this bottle has supervise: you may ask a human for this host with the supervise ` +
    `MCP tool request_egress (host ${quote(host)}, and your reason)`;
}

/** The path without its query or fragment (reasons are audited; queries never are). */
function bare(path: string): string {
  const cut = path.search(/[?#]/);
  return cut < 0 ? path : path.slice(0, cut);
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
