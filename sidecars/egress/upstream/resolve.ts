/**
 * Where an allowed request may actually go: names are resolved on the host side and every
 * non-public address is refused (unless the rule named that IP exactly); the proxy then
 * dials the checked addresses itself (dial.ts), so a later DNS answer cannot swap in another.
 *
 * The proxy sees names only through a Resolver. In normal use that is dnsResolver: IP
 * literals as they are, names through DNS. Tests put the test-only name override
 * (name_override.ts) in front of it; its answers say so (`nameOverride`), and that is all the
 * rest of the proxy ever learns of it.
 */

import { lookup } from "node:dns/promises";
import { isIpLiteral, nonPublicRange } from "../../../lib/net/mod.ts";
import type { Decision } from "../policy/mod.ts";
import { errorMessage, withTimeout } from "./dial.ts";

/** A DNS-style lookup: the addresses of a name (rejects when there are none to be had). */
export type Lookup = (host: string) => Promise<string[]>;

/** The addresses a name stands for, before they are checked. */
export interface Found {
  addresses: string[];
  /**
   * Chosen by the test-only name override (name_override.ts), like an exact IP rule an
   * operator-side choice of address: not filtered for private ranges, and audited as
   * `test_resolve`.
   */
  nameOverride: boolean;
}

/** What a lookup gave: addresses, or why there are none. */
export type Answer = ({ ok: true } & Found) | { ok: false; status: 502; reason: string };

/** The addresses the proxy may dial, or why it may not dial any. */
export type Resolution = ({ ok: true } & Found) | { ok: false; status: 403 | 502; reason: string };

/**
 * The addresses of a canonical host (IPv6 in brackets; addresses come back without).
 * Nothing is checked yet (see checkAddresses).
 */
export interface Resolver {
  resolve(host: string): Promise<Answer>;
}

const LOOKUP_TIMEOUT_MS = 10_000;

export const systemLookup: Lookup = async (host) => {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

/** IP literals as they are, names through `lookup` (the system's DNS by default). */
export function dnsResolver(lookup: Lookup = systemLookup): Resolver {
  return { resolve: (host) => lookupHost(host, lookup) };
}

async function lookupHost(host: string, resolve: Lookup): Promise<Answer> {
  if (isIpLiteral(host)) {
    return { ok: true, addresses: [host.replace(/^\[(.*)\]$/, "$1")], nameOverride: false };
  }
  let addresses: string[];
  try {
    addresses = await withTimeout(resolve(host), LOOKUP_TIMEOUT_MS);
  } catch (error) {
    return {
      ok: false,
      status: 502,
      reason: `DNS lookup of "${host}" failed: ${errorMessage(error)}`,
    };
  }
  if (addresses.length === 0) {
    return { ok: false, status: 502, reason: `DNS lookup of "${host}" returned no address` };
  }
  return { ok: true, addresses, nameOverride: false };
}

/** Resolves and checks `host` (see checkAddresses). */
export async function resolveUpstream(
  resolver: Resolver,
  host: string,
  decision: Decision,
): Promise<Resolution> {
  return checkAddresses(host, await resolver.resolve(host), decision);
}

/**
 * Keeps the public addresses of an answer; none left is a 403. The name override and a rule
 * naming the IP exactly are the operator's choice of address, so they are not filtered.
 */
export function checkAddresses(
  host: string,
  answer: Answer,
  decision: Pick<Decision, "ipLiteralRule">,
): Resolution {
  if (!answer.ok || answer.nameOverride || decision.ipLiteralRule) return answer;
  const { addresses } = answer;
  const usable = addresses.filter((address) => nonPublicRange(address) === null);
  if (usable.length === 0) {
    const range = nonPublicRange(addresses[0]);
    return {
      ok: false,
      status: 403,
      reason: `host "${host}" resolves to a private address (${addresses[0]}: ${range}); ` +
        `the proxy only connects to public addresses unless egress.allow names the IP ` +
        `address itself`,
    };
  }
  return { ok: true, addresses: usable, nameOverride: false };
}
