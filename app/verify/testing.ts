/** Script results for the judges' tests: framed as a run frames them, or raw. */
import type { ScriptResult } from "./types.ts";

export const TEST_NONCE = "0123456789abcdef0123456789abcdef";

/**
 * What a script that printed `body` leaves (its frame around it): the script exited `code`,
 * its last command `status`.
 */
export function framed(body: string, code = 0, stderr = "", status = 0): ScriptResult {
  return raw(`BEGIN ${TEST_NONCE}\n${body}END ${TEST_NONCE} ${status}\n`, code, stderr);
}

/** A result whose stdout is exactly `stdout` (for tampering and missing frames). */
export function raw(stdout: string, code = 0, stderr = ""): ScriptResult {
  return { code, stdout, stderr, ms: 10, nonce: TEST_NONCE };
}
