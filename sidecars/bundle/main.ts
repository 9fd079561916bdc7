/**
 * The bundle supervisor process, started detached by launch.ts:
 *   deno run -A sidecars/bundle/main.ts --bottle NAME --run-dir DIR --policy FILE --log-dir DIR
 * Its stdout and stderr are the bundle log. Exit status: 0 stopped, 1 a daemon failed for
 * good, 2 a daemon could not start (bad configuration).
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "./deno_cmd.ts";
import type { ChildSpec } from "./child.ts";
import { EGRESS_SOCKET } from "./layout.ts";
import { runSupervisor } from "./supervisor.ts";
import { TEST_RESOLVE_ENV } from "../egress/test_resolve.ts";

/** egress/main.ts exits with this code when its arguments or policy are unusable. */
const EGRESS_CONFIG_ERROR = 2;

interface Args {
  bottle: string;
  runDir: string;
  policy: string;
  logDir: string;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      bottle: { type: "string" },
      "run-dir": { type: "string" },
      policy: { type: "string" },
      "log-dir": { type: "string" },
    },
    strict: true,
  });
  const { bottle, policy } = values;
  const runDir = values["run-dir"];
  const logDir = values["log-dir"];
  if (!bottle || !runDir || !policy || !logDir) {
    throw new Error("usage: main.ts --bottle NAME --run-dir DIR --policy FILE --log-dir DIR");
  }
  return { bottle, runDir, policy, logDir };
}

/** The egress daemon, with only the permissions it needs. */
export function egressChild(args: Args, env: Record<string, string>): ChildSpec {
  const socket = join(args.runDir, EGRESS_SOCKET);
  const childEnv = sidecarEnv(env);
  if (env[TEST_RESOLVE_ENV] !== undefined) childEnv[TEST_RESOLVE_ENV] = env[TEST_RESOLVE_ENV];
  return {
    name: "egress",
    command: Deno.execPath(),
    args: [
      ...DENO_RUN_FLAGS,
      "--allow-net",
      `--allow-read=${args.policy},${args.runDir},${args.logDir}`,
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
      "--exit-with-parent",
    ],
    env: childEnv,
    socket,
    configErrorCode: EGRESS_CONFIG_ERROR,
  };
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
