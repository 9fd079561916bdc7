/**
 * TEST-ONLY: the name override. `BOT_BOTTLE_TEST_RESOLVE` (JSON `{ "host": "127.0.0.1" }`)
 * lets tests point an allowed name at a local server; only loopback targets are honoured, and
 * it is off when the variable is absent. Nothing a bottle's operator should set.
 *
 * One seam: main.ts reads the variable and puts withNameOverrides in front of the proxy's
 * resolver; test fixtures build the same resolver. The rest of the proxy sees only a Resolver,
 * whose overridden answers say so (`nameOverride`): they skip the private-address check (the
 * target is loopback by construction) and mark their audit lines `test_resolve: true`.
 */

import { canonicalHost, isLoopback, parseIp } from "../../../lib/net/mod.ts";
import type { Answer, Resolver } from "./resolve.ts";

export const TEST_RESOLVE_ENV = "BOT_BOTTLE_TEST_RESOLVE";

export interface TestResolveMap {
  /** Canonical host → loopback IP (IPv6 without brackets). */
  map: Map<string, string>;
  /** Entries that were ignored, and why. */
  warnings: string[];
}

export function parseTestResolve(json: string | undefined): TestResolveMap {
  const map = new Map<string, string>();
  const warnings: string[] = [];
  if (json === undefined || json === "") return { map, warnings };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { map, warnings: [`${TEST_RESOLVE_ENV} is not valid JSON; ignored`] };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { map, warnings: [`${TEST_RESOLVE_ENV} must be a JSON object; ignored`] };
  }
  for (const [name, target] of Object.entries(parsed)) {
    const host = canonicalHost(name);
    const address = typeof target === "string" ? target.replace(/^\[(.*)\]$/, "$1") : "";
    if (host === null) {
      warnings.push(`${TEST_RESOLVE_ENV}: ${JSON.stringify(name)} is not a host; ignored`);
    } else if (parseIp(address) === null || !isLoopback(address)) {
      warnings.push(
        `${TEST_RESOLVE_ENV}: ${host} → ${
          JSON.stringify(target)
        } is not a loopback address; ignored`,
      );
    } else {
      map.set(host, address);
    }
  }
  return { map, warnings };
}

/** `base`, except that the names in `overrides` (canonical host → address) resolve there. */
export function withNameOverrides(
  overrides: ReadonlyMap<string, string>,
  base: Resolver,
): Resolver {
  if (overrides.size === 0) return base;
  return {
    resolve(host: string): Promise<Answer> {
      const mapped = overrides.get(host);
      if (mapped === undefined) return base.resolve(host);
      return Promise.resolve({ ok: true, addresses: [mapped], nameOverride: true });
    },
  };
}

/**
 * The resolver main.ts gives the proxy: `base` behind the override that the value of
 * TEST_RESOLVE_ENV asks for (none when it is absent), and what was ignored in it.
 */
export function resolverFromEnv(
  value: string | undefined,
  base: Resolver,
): { resolver: Resolver; warnings: string[] } {
  const { map, warnings } = parseTestResolve(value);
  return { resolver: withNameOverrides(map, base), warnings };
}
