/**
 * One sidecar daemon under its own perl supervisor (supervisor.pl), started detached in its
 * own session so it outlives the CLI: started, observed, reloaded, found again from the
 * process table, and stopped leaving nothing behind. The egress bundle and the git gate are
 * each one of these.
 */

import { spawn } from "node:child_process";
import { closeSync, fstatSync, openSync } from "node:fs";
import {
  allProcesses,
  identify,
  isAlive,
  type ProcessIdentity,
  readCmdline,
  sessionMembers,
  signalGroupIfAlive,
  signalIfAlive,
  waitForExit,
} from "../../lib/process.ts";
import { findOnPath } from "../../backends/preflight.ts";
import { accepts, poll } from "../../lib/wait.ts";
import { sidecarScript } from "./deno_cmd.ts";
import { SUPERVISOR_SCRIPT, supervisorCommand } from "./main.ts";
import type { ChildSpec } from "./types.ts";

export type SupervisedStatus = { state: "running" } | { state: "gone"; reason: string };

const START_TIMEOUT_MS = 5000;
const SUPERVISOR_GRACE_MS = 4000;
/** sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
const LOG_TAIL_BYTES = 4096;
const SIDECARS_DIR = sidecarScript("../");

export interface SupervisedStart {
  bottle: string;
  /** For messages: `sidecar bundle`, `git gate`. */
  what: string;
  /** The door (run directory) the daemon's socket is in; the supervisor is found by it. */
  runDir: string;
  /** The supervisor's and daemon's output is appended here. */
  logPath: string;
  child: ChildSpec;
  /** PATH for finding perl. */
  path: string | undefined;
}

/**
 * Starts the supervisor in its own session (stdin /dev/null, output appended to `logPath`)
 * and resolves once the daemon's socket accepts connections. On failure everything started
 * is killed and the error carries the tail of the log.
 */
export async function startSupervised(start: SupervisedStart): Promise<ProcessIdentity> {
  const { child, logPath } = start;
  checkSocketPath(start.runDir, child.socket);
  if (await accepts(child.socket)) {
    const running = findSupervisor(start.runDir, child.name);
    throw new Error(
      `a ${start.what} is already serving ${child.socket}` +
        (running ? ` (supervisor pid ${running.pid}); stop it first` : ""),
    );
  }
  const perl = findOnPath("perl", start.path);
  if (perl === null) {
    throw new Error(
      `the ${start.what}'s supervisor needs perl: install perl-base (Debian/Ubuntu) ` +
        "or perl-interpreter (Fedora)",
    );
  }
  const logFd = openSync(logPath, "a", 0o600);
  const logOffset = fstatSync(logFd).size;
  const supervisor = supervisorCommand(start.bottle, start.runDir, child);
  let pid: number | undefined;
  try {
    const process = spawn(perl, supervisor.args, {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: supervisor.env,
      cwd: "/",
    });
    process.on("error", () => {});
    process.unref();
    pid = process.pid;
  } finally {
    closeSync(logFd);
  }
  const identity = pid === undefined ? null : identify(pid);
  const failed = (problem: string): Error =>
    new Error(
      `${start.what} for bottle "${start.bottle}" ${problem}${logTail(logPath, logOffset)}`,
    );
  if (identity === null) throw failed("did not start");
  // Open, or the supervisor gone (no use waiting on), or null at the deadline.
  const started = await poll(
    async () => (await accepts(child.socket)) ? "open" : !isAlive(identity) && "exited",
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 10 },
  );
  if (started === "open") return identity;
  await stopSupervised(identity, [child.socket]);
  throw failed(
    started === "exited"
      ? "exited during start-up"
      : `did not open ${child.socket} within ${START_TIMEOUT_MS} ms`,
  );
}

/** Running means: the supervisor is the same live process and every socket file exists. */
export function supervisedStatus(
  supervisor: ProcessIdentity,
  sockets: Record<string, string>,
): SupervisedStatus {
  if (!isAlive(supervisor)) {
    return { state: "gone", reason: `supervisor process ${supervisor.pid} is not running` };
  }
  for (const [name, path] of Object.entries(sockets)) {
    let isSocket = false;
    try {
      isSocket = Deno.lstatSync(path).isSocket === true;
    } catch {
      // missing
    }
    if (!isSocket) return { state: "gone", reason: `${name} socket ${path} is missing` };
  }
  return { state: "running" };
}

/**
 * SIGTERM to the supervisor's process group, SIGKILL after a grace period, then any sidecar
 * process left in its session (a daemon orphaned by a killed supervisor) is killed too, and
 * the socket files are removed. Idempotent.
 */
export async function stopSupervised(
  supervisor: ProcessIdentity,
  sockets: readonly string[],
): Promise<void> {
  if (signalGroupIfAlive(supervisor, "SIGTERM")) {
    if (!await waitForExit(supervisor, SUPERVISOR_GRACE_MS)) {
      signalGroupIfAlive(supervisor, "SIGKILL");
      await waitForExit(supervisor, 2000);
    }
  }
  let leftovers: ProcessIdentity[] = [];
  const gone = await poll(() => {
    leftovers = sessionMembers(supervisor).filter(isSidecarProcess);
    for (const process of leftovers) signalIfAlive(process, "SIGKILL");
    return leftovers.length === 0;
  }, { timeoutMs: 3000, intervalMs: 10 });
  if (!gone) {
    throw new Error(`sidecar processes ${leftovers.map((p) => p.pid).join(", ")} did not exit`);
  }
  for (const path of sockets) {
    try {
      Deno.removeSync(path);
    } catch {
      // already gone
    }
  }
}

/** Asks the supervisor to reload (it forwards SIGHUP to its daemon); false if it is gone. */
export function reloadSupervised(supervisor: ProcessIdentity): boolean {
  return signalIfAlive(supervisor, "SIGHUP");
}

/**
 * The live supervisor of daemon `name` serving `runDir`, found in the process table (for when
 * the engine lost or never recorded the handle, e.g. after a crash mid-apply), or null.
 */
export function findSupervisor(runDir: string, name: string): ProcessIdentity | null {
  for (const process of allProcesses()) {
    if (process.state === "Z" || process.pid !== process.sid) continue;
    const argv = readCmdline(process.pid);
    if (argv === null || !argv.includes(SUPERVISOR_SCRIPT)) continue;
    if (flagValue(argv, "--run-dir") !== runDir || flagValue(argv, "--name") !== name) continue;
    return { pid: process.pid, startTime: process.startTime };
  }
  return null;
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const end = argv.indexOf("--");
  const at = argv.indexOf(flag);
  return at >= 0 && (end < 0 || at < end) ? argv[at + 1] : undefined;
}

function isSidecarProcess(process: ProcessIdentity): boolean {
  const argv = readCmdline(process.pid);
  return argv !== null && argv.some((arg) => arg.startsWith(SIDECARS_DIR));
}

function checkSocketPath(runDir: string, socket: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(runDir);
  } catch {
    throw new Error(`run directory ${runDir} does not exist (the engine creates it)`);
  }
  if (!info.isDirectory) throw new Error(`run directory ${runDir} is not a directory`);
  if (new TextEncoder().encode(socket).length > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `socket path ${socket} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit for ` +
        `Unix sockets; use a shorter run directory`,
    );
  }
}

function logTail(path: string, from: number): string {
  try {
    const bytes = Deno.readFileSync(path);
    const start = Math.max(from, bytes.length - LOG_TAIL_BYTES);
    const text = new TextDecoder().decode(bytes.subarray(start)).trim();
    return text === "" ? ` (${path} is empty)` : `; end of ${path}:\n${text}`;
  } catch {
    return "";
  }
}
