import { createHash } from "node:crypto";
import { type CompiledPolicy, compilePolicy, PolicyError } from "./decide.ts";
import type { EgressPolicy } from "./policy.ts";

/** A compiled policy and the sha256 of the exact file text it came from. */
export interface LoadedPolicy {
  policy: CompiledPolicy;
  sha256: string;
}

/**
 * The file (in the log directory) where the daemon records the sha256 of the policy it
 * has in force, so the engine can wait for a hot reload to take effect.
 */
export const LOADED_POLICY_FILE = "egress.policy-loaded";

export function policySha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

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
    return { policy: compilePolicy(parsed as EgressPolicy), sha256: policySha256(text) };
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${path}: ${error.message}`);
    throw error;
  }
}
