/**
 * What the sidecar reads of the bottle's egress and gate policies, and the answers it gives
 * from them at once, before any human is asked (pure):
 *   denied   the manifest forbids it (an egress `deny` rule, an undeclared upstream, a
 *            protected branch): final, no request is queued;
 *   allowed  it is already allowed (an `allow` rule or a live grant covers all of it);
 *   open     only a human can decide.
 * The proxy and the gate still enforce their policies themselves; these answers only spare
 * the agent a wait and the operator a pointless question.
 */

import { type HostRule, HostRuleError, parseHostRule, ruleMatches } from "../../lib/net/mod.ts";
import type { PolicyGrant } from "../egress/policy/wire.ts";
import type { GateGrant } from "../gitgate/wire.ts";
import { sharedName, uncoveredName } from "./glob_overlap.ts";
import type { EgressAsk, GitAsk } from "./wire.ts";

export type Verdict =
  | { verdict: "denied"; reason: string }
  | { verdict: "allowed"; reason: string }
  | { verdict: "open" };

export interface EgressView {
  bottle: string;
  allow: HostRule[];
  deny: HostRule[];
  grants: PolicyGrant[];
}

export interface GateUpstreamView {
  name: string;
  protected: string[];
  branches: string[];
}

export interface GateView {
  upstreams: GateUpstreamView[];
  grants: GateGrant[];
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object`);
  }
  return value as Json;
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new Error(`${where} must be a list of strings`);
  }
  return value as string[];
}

function rules(value: unknown, list: "allow" | "deny"): HostRule[] {
  return strings(value, list).map((text) => {
    try {
      return parseHostRule(text, list);
    } catch (error) {
      if (error instanceof HostRuleError) throw new Error(`${list}: ${error.message}`);
      throw error;
    }
  });
}

function grantList(value: unknown): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error("grants must be a list");
  return value.map((item, i) => object(item, `grants[${i}]`));
}

function expiry(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
    throw new Error(`${where}.expires_at must be an ISO 8601 time`);
  }
  return value;
}

/** The egress policy file's parts that matter here; throws on a malformed file. */
export function egressView(json: unknown): EgressView {
  const policy = object(json, "the egress policy");
  const grants = grantList(policy.grants).map((grant, i): PolicyGrant => {
    const where = `grants[${i}]`;
    if (typeof grant.host !== "string") throw new Error(`${where}.host must be a string`);
    const out: PolicyGrant = { host: grant.host, request: Number(grant.request) };
    if (grant.port !== undefined) out.port = Number(grant.port);
    if (typeof grant.path_prefix === "string") out.path_prefix = grant.path_prefix;
    const expires = expiry(grant.expires_at, where);
    if (expires !== undefined) out.expires_at = expires;
    return out;
  });
  return {
    bottle: typeof policy.bottle === "string" ? policy.bottle : "",
    allow: rules(policy.allow, "allow"),
    deny: rules(policy.deny, "deny"),
    grants,
  };
}

/** The gate policy file's parts that matter here; throws on a malformed file. */
export function gateView(json: unknown): GateView {
  const policy = object(json, "the gate policy");
  if (!Array.isArray(policy.upstreams)) throw new Error("upstreams must be a list");
  const upstreams = policy.upstreams.map((item, i): GateUpstreamView => {
    const upstream = object(item, `upstreams[${i}]`);
    const push = object(upstream.push, `upstreams[${i}].push`);
    if (typeof upstream.name !== "string") throw new Error(`upstreams[${i}].name missing`);
    return {
      name: upstream.name,
      protected: strings(push.protected_branches, `upstreams[${i}].push.protected_branches`),
      branches: strings(push.branches, `upstreams[${i}].push.branches`),
    };
  });
  const grants = grantList(policy.grants).map((grant, i): GateGrant => {
    const where = `grants[${i}]`;
    if (typeof grant.upstream !== "string" || typeof grant.branch !== "string") {
      throw new Error(`${where} must name an upstream and a branch`);
    }
    const out: GateGrant = {
      upstream: grant.upstream,
      branch: grant.branch,
      request: Number(grant.request),
    };
    const expires = expiry(grant.expires_at, where);
    if (expires !== undefined) out.expires_at = expires;
    return out;
  });
  return { upstreams, grants };
}

function live(grant: { expires_at?: string }, now: Date): boolean {
  return grant.expires_at === undefined || Date.parse(grant.expires_at) > now.getTime();
}

function what(ask: EgressAsk): string {
  return `${ask.host}${ask.port === undefined ? "" : `:${ask.port}`}${ask.path_prefix ?? ""}`;
}

/**
 * The answer for an egress ask (`ask.host` canonical). A `deny` rule settles it only when it
 * covers every port asked for; an `allow` rule or a grant only when it covers the port and
 * the path asked for (an ask without a port or path asks for all of them).
 */
export function egressVerdict(view: EgressView, ask: EgressAsk, now: Date): Verdict {
  const manifest = view.bottle === "" ? "the bottle's manifest" : `bottles/${view.bottle}.md`;
  const denied = view.deny.find((rule) =>
    ruleMatches({ ...rule, port: null }, ask.host, 0) &&
    (rule.port === null || rule.port === ask.port)
  );
  if (denied !== undefined) {
    return {
      verdict: "denied",
      reason: `the manifest forbids ${ask.host} (egress.deny rule "${denied.text}" in ` +
        `${manifest}), and a deny rule always wins: no grant can allow it`,
    };
  }
  const allowed = view.allow.find((rule) =>
    ruleMatches({ ...rule, port: null }, ask.host, 0) &&
    (rule.port === null || rule.port === ask.port)
  );
  if (allowed !== undefined) {
    return {
      verdict: "allowed",
      reason: `${what(ask)} is already allowed (egress.allow rule "${allowed.text}"): ` +
        "retry your request; if it still fails, the block response says why",
    };
  }
  const granted = view.grants.find((grant) =>
    live(grant, now) && grant.host === ask.host &&
    (grant.port === undefined || grant.port === ask.port) &&
    (grant.path_prefix === undefined ||
      (ask.path_prefix !== undefined && ask.path_prefix.startsWith(grant.path_prefix)))
  );
  if (granted !== undefined) {
    const until = granted.expires_at === undefined ? "" : ` until ${granted.expires_at}`;
    return {
      verdict: "allowed",
      reason: `${what(ask)} is already allowed${until} (granted by request ${granted.request}): ` +
        "retry your request",
    };
  }
  return { verdict: "open" };
}

/**
 * The answer for a push ask: an undeclared upstream and a glob that reaches a protected
 * branch are final refusals; a glob whose every branch `push.branches` or a live grant
 * already allows is allowed.
 */
export function gitVerdict(view: GateView, ask: GitAsk, now: Date): Verdict {
  const branch = ask.branch ?? "";
  const upstream = view.upstreams.find((candidate) => candidate.name === ask.upstream);
  if (upstream === undefined) {
    const declared = view.upstreams.map((candidate) => candidate.name).join(", ") || "none";
    return {
      verdict: "denied",
      reason: `"${ask.upstream}" is not an upstream of this bottle (declared: ${declared}). ` +
        "Upstreams are declared in the manifest, never granted: use ask_human if you need " +
        "the operator to declare it",
    };
  }
  const hit = sharedName(branch, upstream.protected);
  if (hit !== null) {
    return {
      verdict: "denied",
      reason: `protected branches cannot be granted: "${branch}" includes the protected ` +
        `branch "${hit}" of ${upstream.name} (protected: ${upstream.protected.join(", ")}). ` +
        "Push to a branch of your own (for example feature/NAME) instead",
    };
  }
  const granted = view.grants
    .filter((grant) => grant.upstream === upstream.name && live(grant, now))
    .map((grant) => grant.branch);
  if (uncoveredName(branch, [...upstream.branches, ...granted]) === null) {
    return {
      verdict: "allowed",
      reason: `pushing to "${branch}" on ${upstream.name} is already allowed: push again; ` +
        "if the gate refuses, its message says why",
    };
  }
  return { verdict: "open" };
}
