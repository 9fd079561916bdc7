/** Runs the forward push (forward.ts builds it) with the upstream's credential. */

import { pushArgs, pushReport } from "./forward.ts";
import { credentialEnv, redact, secretForms } from "./git_env.ts";
import { runGit } from "./git_run.ts";
import type { RefUpdate } from "./push_policy.ts";
import type { GateUpstream } from "./wire.ts";

export const FORWARD_TIMEOUT_MS = 300_000;

export type Forwarded = { ok: true } | { ok: false; refused: boolean; lines: string[] };

export async function forwardPush(
  quarantineEnv: Record<string, string>,
  upstream: GateUpstream,
  token: string | null,
  updates: readonly RefUpdate[],
): Promise<Forwarded> {
  // Without GIT_QUARANTINE_PATH: a local upstream's receive-pack would inherit it and refuse
  // to update its refs. The objects stay visible through the object-directory variables.
  const { GIT_QUARANTINE_PATH: _, ...env } = quarantineEnv;
  const result = await runGit(pushArgs(upstream.remote, updates), {
    env: { ...env, ...credentialEnv(upstream.credential, token) },
    timeoutMs: FORWARD_TIMEOUT_MS,
  });
  if (result.code === 0) return { ok: true };
  const secrets = secretForms(upstream.credential, token);
  const lines = pushReport(result.stdout, result.stderr).map((line) => redact(line, secrets));
  if (result.timedOut) {
    lines.push(`the push to upstream timed out after ${FORWARD_TIMEOUT_MS / 1000} s`);
  }
  // Porcelain status lines mean upstream answered (and refused); none means it was not reached.
  const refused = /^!\t/m.test(result.stdout);
  return {
    ok: false,
    refused,
    lines: lines.length > 0 ? lines : [`git push exited ${result.code}`],
  };
}
