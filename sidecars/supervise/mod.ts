/**
 * What the rest of bot-bottle uses of the supervise sidecar (the daemon itself is main.ts):
 * its wire format and queue, and `superviseChild`, the daemon's command line for the bundle
 * supervisor.
 *
 * The engine writes the config (a SuperviseConfig, JSON) to SUPERVISE_CONFIG_FILE in the
 * bottle directory, starts the daemon with superviseChild, and after rewriting the config
 * sends SIGHUP (the bundle's reload). A change to `state_db`, a policy file's path,
 * `log_dir` or the notify program needs a restart (a new superviseChild): the daemon's
 * permissions were granted for the old ones, and it refuses such a reload.
 */

import { join } from "node:path";
import { DENO_RUN_FLAGS, sidecarEnv, sidecarScript } from "../bundle/deno_cmd.ts";
import type { ChildSpec } from "../bundle/types.ts";
import { notifyProgram } from "./config.ts";
import { SUPERVISE_SOCKET, type SuperviseConfig } from "./wire.ts";

export * from "./wire.ts";
export * from "./queue.ts";

/**
 * Installs the MCP SDK and zod into this checkout's node_modules, where the daemon (run with
 * `--cached-only`) finds them; call before starting it. The import goes through a variable
 * on purpose: a literal `import("./sdk.ts")` anywhere in the CLI's module graph makes every
 * command resolve the SDK's ~90 npm packages at start-up (~0.2 s, measured), while this costs
 * one evaluation (~0.1 s) only when a daemon is started.
 */
export async function installSdk(): Promise<void> {
  const specifier = "./sdk.ts";
  await import(specifier);
}

/**
 * V8 limits for the daemon. Its live heap is ~17 MB (a waiting call adds ~25 KiB, and at
 * most 64 wait at once), but under a burst of calls (an agent polling request_status in a
 * loop) V8 grew the daemon to ~220 MB RSS before collecting. With these limits 14,000
 * calls back to back stay at ~100 MB RSS (72 MB idle), the round trip unchanged (measured).
 */
export const SUPERVISE_RUNTIME_FLAGS: readonly string[] = [
  "--v8-flags=--max-old-space-size=64,--max-semi-space-size=1",
];

/** The daemon's exit status for unusable arguments or config at start. */
export const SUPERVISE_CONFIG_ERROR = 2;

export interface SuperviseChildArgs {
  /** The bottle's run directory (the door): the daemon listens on `supervise.sock` there. */
  runDir: string;
  /** Where the engine wrote `config` (absolute; normally BOTTLE_DIR/supervise.json). */
  configFile: string;
  /** The config in that file: its paths decide the permissions. */
  config: SuperviseConfig;
}

/** The state database and the files SQLite keeps beside it. */
export function stateDbFiles(stateDb: string): string[] {
  return [stateDb, `${stateDb}-wal`, `${stateDb}-shm`, `${stateDb}-journal`];
}

/**
 * The daemon under the supervisor. Least permissions: read the config and the two policy
 * files; read and write only the state database (and its -wal, -shm, -journal files) and
 * the socket; write (append) in the log directory; listen only on the socket; run only the
 * notify program (`/bin/sh` for a shell command; nothing without one); read only PATH.
 * server_test.ts runs the daemon with exactly these, on a WAL database.
 */
export function superviseChild(args: SuperviseChildArgs, env: Record<string, string>): ChildSpec {
  const { config } = args;
  const socket = join(args.runDir, SUPERVISE_SOCKET);
  const db = stateDbFiles(config.state_db);
  const readable = [
    args.configFile,
    config.egress_policy_file,
    ...(config.gate_policy_file === undefined ? [] : [config.gate_policy_file]),
    ...db,
    // Deno.serve on a Unix socket needs to read and write its path.
    socket,
  ];
  const writable = [...db, config.log_dir, socket];
  for (const path of [...readable, config.log_dir, args.runDir]) {
    if (!path.startsWith("/") || path.includes(",")) {
      throw new Error(`supervise: ${path} must be an absolute path without commas`);
    }
  }
  const program = notifyProgram(config.notify);
  return {
    name: "supervise",
    command: Deno.execPath(),
    args: [
      ...DENO_RUN_FLAGS,
      ...SUPERVISE_RUNTIME_FLAGS,
      `--allow-read=${readable.join(",")}`,
      `--allow-write=${writable.join(",")}`,
      `--allow-net=unix:${socket}`,
      ...(program === null ? [] : [`--allow-run=${program}`]),
      "--allow-env=PATH",
      sidecarScript("../supervise/main.ts"),
      "--config",
      args.configFile,
      "--socket",
      socket,
      "--exit-with-parent",
    ],
    env: sidecarEnv(env),
    socket,
    configErrorCode: SUPERVISE_CONFIG_ERROR,
  };
}
