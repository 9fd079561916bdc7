/**
 * Test-only name mapping (`BOT_BOTTLE_TEST_RESOLVE`, JSON `{ "host": "127.0.0.1" }`): lets
 * tests point an allowed name at a local server. Only loopback targets are honoured; off
 * when the variable is absent.
 */

import { canonicalHost, isLoopback, parseIp } from "../../../lib/net/mod.ts";

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
