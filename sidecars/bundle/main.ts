/**
 * The bundle supervisor process, started detached by launch.ts:
 *   deno run -A sidecars/bundle/main.ts --bottle NAME --run-dir DIR --policy FILE --log-dir DIR
 *     --ca-dir DIR --secrets FILE
 * Its stdout and stderr are the bundle log. Exit status: 0 stopped, 1 a daemon failed for
 * good, 2 a daemon could not start (bad configuration).
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "./deno_cmd.ts";
import type { ChildSpec } from "./child.ts";
import { EGRESS_SOCKET } from "./layout.ts";
import { runSupervisor } from "./supervisor.ts";
import type { EgressPolicy } from "../egress/policy.ts";
import { TEST_RESOLVE_ENV } from "../egress/test_resolve.ts";

/** egress/main.ts exits with this code when its arguments or policy are unusable. */
const EGRESS_CONFIG_ERROR = 2;

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

const USAGE = "usage: main.ts --bottle NAME --run-dir DIR --policy FILE --log-dir DIR " +
  "--ca-dir DIR --secrets FILE";

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      bottle: { type: "string" },
      "run-dir": { type: "string" },
      policy: { type: "string" },
      "log-dir": { type: "string" },
      "ca-dir": { type: "string" },
      secrets: { type: "string" },
    },
    strict: true,
  });
  const { bottle, policy, secrets } = values;
  const runDir = values["run-dir"];
  const logDir = values["log-dir"];
  const caDir = values["ca-dir"];
  if (!bottle || !runDir || !policy || !logDir || !caDir || !secrets) throw new Error(USAGE);
  return { bottle, runDir, policy, logDir, caDir, secrets };
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

function log(line: string): void {
  console.error(`${new Date().toISOString()} ${line}`);
}

if (import.meta.main) {
  let args: Args;
  try {
    args = parse(Deno.args);
  } catch (error) {
    log(`bundle: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const code = await runSupervisor({ children: [egressChild(args, Deno.env.toObject())], log });
  Deno.exit(code);
}
