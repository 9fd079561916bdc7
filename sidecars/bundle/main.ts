/**
 * What a bundle runs: the supervisor (supervisor.pl, one small perl process per bottle) and
 * under it the egress daemon (egress/main.ts in Deno):
 *   perl supervisor.pl --bottle NAME --run-dir DIR --name egress --socket PATH
 *     --config-error-code 2 --restart-policy … -- deno run … egress/main.ts …
 * The supervisor's stdout and stderr are the bundle log. Exit status: 0 stopped, 1 the daemon
 * failed for good, 2 it could not start (bad configuration).
 */

import { join } from "node:path";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "./deno_cmd.ts";
import type { ChildSpec } from "./types.ts";
import { EGRESS_SOCKET } from "./layout.ts";
import { DEFAULT_RESTART_POLICY, type RestartPolicyOptions } from "./restart_policy.ts";
import { type EgressPolicy, TEST_RESOLVE_ENV } from "../egress/mod.ts";

/** egress/main.ts exits with this code when its arguments or policy are unusable. */
const EGRESS_CONFIG_ERROR = 2;

export const SUPERVISOR_SCRIPT = sidecarScript("./supervisor.pl");

export interface Args {
  bottle: string;
  runDir: string;
  policy: string;
  logDir: string;
  /** The bottle CA (`ca.crt`, `ca.key`): only the egress daemon reads it. */
  caDir: string;
  /** The secrets file: only the egress daemon reads it. */
  secrets: string;
}

/** The supervisor's argv (after the perl binary) and environment for one daemon. */
export function supervisorCommand(
  bottle: string,
  runDir: string,
  child: ChildSpec,
  policy: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
): { args: string[]; env: Record<string, string> } {
  const restart = [
    policy.initialDelayMs,
    policy.maxDelayMs,
    policy.healthyAfterMs,
    policy.maxRestarts,
    policy.windowMs,
  ];
  return {
    args: [
      SUPERVISOR_SCRIPT,
      "--bottle",
      bottle,
      "--run-dir",
      runDir,
      "--name",
      child.name,
      "--socket",
      child.socket,
      "--config-error-code",
      String(child.configErrorCode ?? -1),
      "--restart-policy",
      restart.join(","),
      "--",
      child.command,
      ...child.args,
    ],
    env: child.env,
  };
}

/**
 * The egress daemon, with only the permissions it needs: read its policy, CA, secrets and
 * the route CA files its policy names now (later ones must come inline, see
 * upstream_ca_pem), write its socket and logs, the network, and no environment but the
 * test-only name mapping. Upstream TLS trusts the system CA store.
 */
export function egressChild(args: Args, env: Record<string, string>): ChildSpec {
  const socket = join(args.runDir, EGRESS_SOCKET);
  const childEnv = sidecarEnv(env);
  childEnv.DENO_TLS_CA_STORE = "system";
  if (env[TEST_RESOLVE_ENV] !== undefined) childEnv[TEST_RESOLVE_ENV] = env[TEST_RESOLVE_ENV];
  const readable = [
    args.policy,
    args.runDir,
    args.logDir,
    args.caDir,
    args.secrets,
    ...routeCaFiles(args.policy),
  ];
  return {
    name: "egress",
    command: Deno.execPath(),
    args: [
      ...DENO_RUN_FLAGS,
      "--allow-net",
      `--allow-read=${readable.join(",")}`,
      `--allow-write=${args.runDir},${args.logDir}`,
      `--allow-env=${TEST_RESOLVE_ENV}`,
      sidecarScript("../egress/main.ts"),
      "--socket",
      socket,
      "--policy",
      args.policy,
      "--log-dir",
      args.logDir,
      "--bottle",
      args.bottle,
      "--ca-dir",
      args.caDir,
      "--secrets",
      args.secrets,
      "--exit-with-parent",
    ],
    env: childEnv,
    socket,
    configErrorCode: EGRESS_CONFIG_ERROR,
  };
}

/** The `upstream_ca_file`s the policy names (unreadable or odd policy: none). */
function routeCaFiles(policyFile: string): string[] {
  try {
    const policy = JSON.parse(Deno.readTextFileSync(policyFile)) as EgressPolicy;
    return (policy.routes ?? [])
      .map((route) => route.upstream_ca_file)
      .filter((path): path is string =>
        typeof path === "string" && path.startsWith("/") && !path.includes(",")
      );
  } catch {
    return [];
  }
}
