/**
 * What to do with one request the policy allows: which route it is on, whether it may go
 * (placeholders, DLP on URL and headers), which credential to inject, where to send it and
 * which headers it carries. Pure.
 */

import type { DlpEngine, DlpFinding } from "../dlp/mod.ts";
import { type Block, checkHead } from "../inspect/mod.ts";
import { credentialHeader, withoutAuthHeader } from "./inject.ts";
import { formatAuthority, type HeaderField, stripHopByHop } from "../http/mod.ts";
import { type CompiledPolicy, type CompiledRoute, matchRoute, type Origin } from "../policy/mod.ts";
import { acceptEncodingWeCanDecode } from "./redact.ts";
import type { CompiledSecret, SecretTable } from "../secrets/mod.ts";

export interface RoutePlanInput {
  policy: CompiledPolicy;
  secrets: SecretTable;
  dlp: DlpEngine | null;
  /** Plain HTTP reaches the origin over http; an intercepted request over https. */
  intercepted: boolean;
  /** Canonical host and port the agent addressed, and the origin-form path. */
  host: string;
  port: number;
  path: string;
  headers: HeaderField[];
}

export interface RoutePlan {
  route: CompiledRoute | null;
  /** The credential injected, if any. */
  secret: CompiledSecret | null;
  origin: Origin;
  /** The origin is the operator's `upstream` override (private addresses allowed). */
  override: boolean;
  /** Extra trust anchor for the upstream TLS (the route's CA). */
  caPem: string | null;
  /** Outgoing header fields, `Host` first. */
  headers: HeaderField[];
  /** What the agent sent, without hop-by-hop fields, `Host` and the credential's header. */
  agentHeaders: HeaderField[];
  warnings: DlpFinding[];
  /** Responses must have real secret values replaced by placeholders. */
  redact: boolean;
  /** The request body must be checked before it is forwarded. */
  checkBody: boolean;
  /**
   * The body is the agent's conversation with the party that receives the credential (a
   * credentialed route): only the bottle's own secrets and fail-closed findings block in it,
   * other DLP findings warn, and placeholders pass (inspect/conversation.ts). URL and headers keep
   * full DLP.
   */
  conversation: boolean;
}

export type RoutePlanResult = { ok: true; plan: RoutePlan } | { ok: false; block: Block };

export const ROUTE_NEEDS_TLS_RULE = "route-requires-https";

export function planRequest(input: RoutePlanInput): RoutePlanResult {
  const { policy, secrets } = input;
  const route = matchRoute(policy.routes, input.host, input.path);
  const secret = route === null ? null : secrets.forRoute(route.id) ?? null;
  const forwarded = stripHopByHop(input.headers).filter((h) => h.name.toLowerCase() !== "host");
  const agentHeaders = secret === null ? forwarded : withoutAuthHeader(forwarded, secret);
  const check = checkHead({
    dlp: input.dlp,
    placeholders: secrets.placeholderNeedles,
    host: input.host,
    path: input.path,
    headers: agentHeaders,
    bottle: policy.bottle,
  });
  if (check.block !== null) return { ok: false, block: check.block };

  const override = route?.upstream ?? null;
  const origin: Origin = override ??
    { scheme: input.intercepted ? "https" : "http", host: input.host, port: input.port };
  if (secret !== null && origin.scheme === "http" && override === null) {
    return {
      ok: false,
      block: {
        rule: ROUTE_NEEDS_TLS_RULE,
        where: "url",
        reason: `route ${JSON.stringify(secret.id)} injects a credential, which the proxy ` +
          `sends over TLS only: request https://${input.host}${input.path.split("?")[0]} instead`,
      },
    };
  }
  const redact = secrets.valueNeedles.length > 0;
  let headers = secret === null ? agentHeaders : [...agentHeaders, credentialHeader(secret)];
  if (redact) headers = acceptEncodingWeCanDecode(headers);
  const host = formatAuthority(origin.host, origin.port, origin.scheme === "https" ? 443 : 80);
  return {
    ok: true,
    plan: {
      route,
      secret,
      origin,
      override: override !== null,
      caPem: route?.upstreamCaPem ?? null,
      headers: [{ name: "Host", value: host }, ...headers],
      agentHeaders,
      warnings: check.warnings,
      redact,
      checkBody: input.dlp !== null || secrets.placeholderNeedles.length > 0,
      conversation: secret !== null,
    },
  };
}
