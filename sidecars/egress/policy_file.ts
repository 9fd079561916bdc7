/** Reads and compiles the policy file; throws with the file name on any problem. */

import { type CompiledPolicy, compilePolicy, PolicyError } from "./decide.ts";
import type { EgressPolicy } from "./policy.ts";

export function loadPolicyFile(path: string): CompiledPolicy {
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
    return compilePolicy(parsed as EgressPolicy);
  } catch (error) {
    if (error instanceof PolicyError) throw new PolicyError(`${path}: ${error.message}`);
    throw error;
  }
}
