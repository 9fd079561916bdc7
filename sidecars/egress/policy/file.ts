import { type CompiledPolicy, compilePolicy, PolicyError } from "./decide.ts";
import type { EgressPolicy } from "./wire.ts";
import { sha256Hex } from "../../../lib/sha256.ts";

/** A compiled policy and the sha256 of the exact file text it came from. */
export interface LoadedPolicy {
  policy: CompiledPolicy;
  sha256: string;
}

/**
 * The file (in the log directory) where the daemon records what it has in force, so the
 * engine can wait for a hot reload to take effect: `<policy sha256> <secrets sha256>`
 * (the policy's alone when the daemon runs without a secrets file).
 */
export const LOADED_POLICY_FILE = "egress.policy-loaded";

/** Reads and compiles the policy file; throws with the file name on any problem. */
export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new PolicyError(`cannot read egress policy ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`egress policy ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    const policy = compilePolicy(parsed as EgressPolicy);
    loadRouteCas(policy);
    return { policy, sha256: sha256Hex(text) };
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads each route's `upstream_ca_file` (unless the PEM is inline), so a reload that names
 * an unreadable or empty file is refused as a whole.
 */
function loadRouteCas(policy: CompiledPolicy): void {
  for (const route of policy.routes) {
    if (route.upstreamCaPem === null && route.upstreamCaFile !== null) {
      try {
        route.upstreamCaPem = Deno.readTextFileSync(route.upstreamCaFile);
      } catch (error) {
        throw new PolicyError(
          `route ${route.id}: cannot read upstream_ca_file ${route.upstreamCaFile}: ` +
            `${(error as Error).message}`,
        );
      }
    }
    if (route.upstreamCaPem !== null && pemCertificates(route.upstreamCaPem).length === 0) {
      throw new PolicyError(`route ${route.id}: the upstream CA holds no PEM certificate`);
    }
  }
}

/** Each certificate of a PEM bundle on its own. */
export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}
