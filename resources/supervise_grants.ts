/**
 * Supervise grants layered over a bottle's manifest at compile: each live grant becomes an
 * entry of the egress or gate policy's `grants`, with a note saying where it came from for
 * `plan`. Which grants are live is the caller's business (app/supervise_grants.ts).
 */

import type { PolicyGrant } from "../sidecars/egress/policy/wire.ts";
import type { GateGrant } from "../sidecars/gitgate/wire.ts";
import type { SuperviseGrant } from "../sidecars/supervise/queue.ts";
import type { EgressAsk, GitAsk } from "../sidecars/supervise/wire.ts";
import type { BottleContext } from "./bottle_context.ts";

export interface LayeredGrants<G> {
  grants: G[];
  /** One per grant, e.g. `allow api.example.com (granted: request 3, expires 2026-12-06 14:00 UTC)`. */
  notes: string[];
}

function grantsOf(bottle: BottleContext, kind: SuperviseGrant["kind"]): SuperviseGrant[] {
  if (!bottle.manifest.supervise.enabled) return [];
  return (bottle.options.grants ?? []).filter((grant) =>
    grant.bottle === bottle.name && grant.kind === kind
  );
}

/** `2026-12-06 14:00 UTC` for an ISO time. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function provenance(grant: SuperviseGrant): string {
  const until = grant.expires_at === null
    ? "until revoked"
    : `expires ${shortTime(grant.expires_at)}`;
  return `(granted: request ${grant.request_id}, ${until})`;
}

/** What an egress request asks for, e.g. `api.example.com:8443/v1/`. */
export function egressTarget(ask: EgressAsk): string {
  return `${ask.host}${ask.port === undefined ? "" : `:${ask.port}`}${ask.path_prefix ?? ""}`;
}

export function egressGrants(bottle: BottleContext): LayeredGrants<PolicyGrant> {
  const grants = grantsOf(bottle, "egress");
  return {
    grants: grants.map((grant) => {
      const ask = grant.payload as EgressAsk;
      return {
        host: ask.host,
        ...(ask.port === undefined ? {} : { port: ask.port }),
        ...(ask.path_prefix === undefined ? {} : { path_prefix: ask.path_prefix }),
        ...(grant.expires_at === null ? {} : { expires_at: grant.expires_at }),
        request: grant.request_id,
      };
    }),
    notes: grants.map((grant) =>
      `allow ${egressTarget(grant.payload as EgressAsk)} ${provenance(grant)}`
    ),
  };
}

/** Grants for upstreams the bottle no longer declares are left out (the gate would refuse them). */
export function gateGrants(bottle: BottleContext): LayeredGrants<GateGrant> {
  const grants = grantsOf(bottle, "git").filter((grant) =>
    Object.hasOwn(bottle.manifest.git, (grant.payload as GitAsk).upstream) &&
    (grant.payload as GitAsk).branch !== undefined
  );
  return {
    grants: grants.map((grant) => {
      const ask = grant.payload as Required<GitAsk>;
      return {
        upstream: ask.upstream,
        branch: ask.branch,
        ...(grant.expires_at === null ? {} : { expires_at: grant.expires_at }),
        request: grant.request_id,
      };
    }),
    notes: grants.map((grant) => {
      const ask = grant.payload as Required<GitAsk>;
      return `push ${ask.upstream} ${ask.branch} ${provenance(grant)}`;
    }),
  };
}
