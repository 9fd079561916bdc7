/**
 * What the rest of bot-bottle uses of the git gate (the daemon itself is main.ts): the
 * policy file's wire format and names, and `gateChild`, the daemon's command line for the
 * bundle supervisor.
 */

import { join } from "node:path";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "../bundle/deno_cmd.ts";
import type { ChildSpec } from "../bundle/types.ts";
import { GATE_HOOK_SOCKET, GATE_SOCKET } from "./wire.ts";

export * from "./wire.ts";

/** The daemon's exit status for unusable arguments or gate.json at start. */
export const GATE_CONFIG_ERROR = 2;

export interface GateChildArgs {
  bottle: string;
  /** The bottle's run directory (the door): the daemon listens on `git.sock` there. */
  runDir: string;
  /** The gate directory: gate.json, mirrors/, credentials/, hooks/, hook.sock. */
  gateDir: string;
  logDir: string;
}

/**
 * The daemon under the supervisor. Least permissions: read and write only its three
 * directories (mirrors and credential files must live in the gate directory), listen only
 * on its two sockets, run only
 * `git` (git runs ssh, and receive-pack runs the perl hook), read only PATH.
 */
export function gateChild(args: GateChildArgs, env: Record<string, string>): ChildSpec {
  const socket = join(args.runDir, GATE_SOCKET);
  const dirs = [args.gateDir, args.runDir, args.logDir].join(",");
  return {
    name: "gitgate",
    command: Deno.execPath(),
    args: [
      ...DENO_RUN_FLAGS,
      `--allow-read=${dirs}`,
      `--allow-write=${dirs}`,
      `--allow-net=unix:${socket},unix:${join(args.gateDir, GATE_HOOK_SOCKET)}`,
      "--allow-run=git",
      "--allow-env=PATH",
      sidecarScript("../gitgate/main.ts"),
      "--socket",
      socket,
      "--gate-dir",
      args.gateDir,
      "--log-dir",
      args.logDir,
      "--bottle",
      args.bottle,
      "--exit-with-parent",
    ],
    env: sidecarEnv(env),
    socket,
    configErrorCode: GATE_CONFIG_ERROR,
  };
}
