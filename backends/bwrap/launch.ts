import type { HostTools } from "../preflight.ts";
import {
  identify,
  isAlive,
  type ProcessIdentity,
  signalIfAlive,
  waitForExit,
} from "../../lib/process.ts";
import type { DoorService } from "../backend.ts";
import { type BwrapInvocation, INFO_FD } from "./args.ts";
import { keeperArgv } from "./door.ts";
import { INIT_NAME } from "./init.ts";
import { doorPorts } from "./door_status.ts";
import { listeningSocketsOf } from "./listening.ts";
import { allProcesses } from "../../lib/process.ts";
import { ownedBwrapArgv } from "./owned.ts";
import type { SandboxOwner } from "./owner.ts";
import { closeFdsAbove, HOST_ENV } from "./shell.ts";
import { sandboxFiles } from "./layout.ts";

export { sandboxFiles };
import { poll, sleep } from "../../lib/wait.ts";

export interface Launched {
  /** The outer bwrap. */
  init: ProcessIdentity;
  /** The sandbox's pid 1 (our init inside the namespaces, `--as-pid-1`). */
  inner: ProcessIdentity;
  /** The door's keeper on the host (see door.ts). */
  door: ProcessIdentity;
}

export interface LaunchRequest {
  tools: HostTools;
  owner: SandboxOwner;
  /** How to run bwrap; its options must include `--info-fd 3` (and `--seccomp 5` with a filter). */
  invocation: BwrapInvocation;
  /** The compiled seccomp filter, handed to bwrap on descriptor SECCOMP_FD. */
  seccomp: Uint8Array | null;
  backendDir: string;
  /** Names the bottle's staging area (its door directory, unique per bottle). */
  runDir: string;
  services: readonly DoorService[];
  infoTimeoutMs?: number;
  readyTimeoutMs?: number;
}

const ARGS_FD = 4;
export const SECCOMP_FD = 5;
const POLL_MS = 2;
/**
 * Between looks at whether the door listens: reading /proc/PID/net/tcp walks the kernel's
 * socket tables (all namespaces'), ~1 ms of CPU on a busy host, while the door's programs
 * start on the same cores.
 */
const DOOR_POLL_MS = 8;

const LOG_LIMIT = 8 * 1024 * 1024;

/**
 * Closes every inherited descriptor, opens the launch files on fixed ones, then becomes bwrap
 * in a session of its own (`setsid` does not fork: a child of the CLI is never a group leader;
 * it finds bwrap first on PATH, so the process list shows a plain `bwrap`). The sandbox writes
 * its output into a pipe, never into a host file it could reopen through /proc/PID/fd; a
 * reader in its own session copies at most LOG_LIMIT bytes of it into the log.
 */
const LAUNCHER = [
  "log=$1 info=$2 argfile=$3 seccomp=$4 setsid=$5; shift 5",
  closeFdsAbove(2),
  `exec </dev/null >"$log" 2>&1 || exit 125`,
  `exec > >(exec "$setsid" /bin/sh -c 'head -c ${LOG_LIMIT}; exec cat >/dev/null') 2>&1`,
  `exec ${INFO_FD}>"$info" ${ARGS_FD}<"$argfile" || exit 125`,
  `if [ -n "$seccomp" ]; then exec ${SECCOMP_FD}<"$seccomp" || exit 125; fi`,
  'exec "$setsid" "$@"',
].join("\n");

/** Status promises of the bwraps this process launched, so `stop` can reap them. */
const launched = new Map<number, Promise<Deno.CommandStatus>>();

/** Starts bwrap detached from the CLI and returns once its door ports listen. */
export async function launch(request: LaunchRequest): Promise<Launched> {
  const { tools, backendDir } = request;
  const files = sandboxFiles(backendDir);
  for (const path of [files.info, files.args, files.seccomp]) removeQuietly(path);
  const { options, environment, command, privateSources } = request.invocation;
  Deno.writeTextFileSync(files.args, environment.map((arg) => `${arg}\0`).join(""), {
    mode: 0o600,
  });
  // Kept while the sandbox runs: exec loads the same filter from it (see seccomp.ts).
  if (request.seccomp) Deno.writeFileSync(files.seccomp, request.seccomp, { mode: 0o600 });
  const bwrap = ownedBwrapArgv({
    tools,
    owner: request.owner,
    options,
    privateSources,
    tag: request.runDir,
  });

  const child = new Deno.Command(tools.bash, {
    args: [
      "-c",
      LAUNCHER,
      "bottle-launch",
      files.log,
      files.info,
      files.args,
      request.seccomp ? files.seccomp : "",
      tools.setsid,
      ...bwrap,
      "--args",
      String(ARGS_FD),
      "--",
      ...command,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    clearEnv: true,
    env: { PATH: `${dirname(tools.bwrap)}:${HOST_ENV.PATH}` },
  }).spawn();
  const init = identify(child.pid);
  const status = child.status;
  launched.set(child.pid, status);
  const forget = (): boolean => launched.delete(child.pid);
  status.then(forget, forget);
  child.unref();

  let inner: ProcessIdentity | null = null;
  let door: ProcessIdentity | null = null;
  try {
    if (!init) throw new Error("bwrap exited at once");
    inner = await waitForInner(init, files.info, request.infoTimeoutMs ?? 2000);
    door = startDoor(request, inner);
    const ports = request.services.map((service) => service.port);
    await waitUntilReady([init, inner, door], inner, door, ports, request.readyTimeoutMs ?? 3000);
    return { init, inner, door };
  } catch (error) {
    await kill([inner, init], [door]);
    const reason = error instanceof Error ? error.message : String(error);
    await logSettled(files.log, 300);
    throw new Error(`bwrap sandbox failed to start: ${reason}${logTail(files.log)}`);
  } finally {
    removeQuietly(files.args);
  }
}

/** Starts the door's keeper for a running sandbox (also to repair a door that died). */
export function startDoor(
  request: Pick<LaunchRequest, "tools" | "owner" | "services">,
  inner: ProcessIdentity,
): ProcessIdentity {
  const argv = keeperArgv({ ...request, inner });
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "null",
    clearEnv: true,
    env: { ...HOST_ENV },
  }).spawn();
  const door = identify(child.pid);
  const status = child.status;
  launched.set(child.pid, status);
  const forget = (): boolean => launched.delete(child.pid);
  status.then(forget, forget);
  child.unref();
  if (!door) throw new Error("the door's keeper exited at once");
  return door;
}

/** Resolves once every door port listens inside (bounded), else throws naming the ports. */
export async function waitForDoor(
  door: ProcessIdentity,
  inner: ProcessIdentity,
  ports: number[],
  timeoutMs: number,
): Promise<void> {
  await waitUntilReady([door, inner], inner, door, ports, timeoutMs);
}

/** Resolves once a process this module launched has been reaped (or at once if not ours). */
export async function reaped(pid: number, timeoutMs: number): Promise<void> {
  const status = launched.get(pid);
  if (!status) return;
  await Promise.race([status, sleep(timeoutMs)]);
}

async function waitForInner(
  init: ProcessIdentity,
  infoPath: string,
  timeoutMs: number,
): Promise<ProcessIdentity> {
  const childPid = await poll(() => {
    const pid = readChildPid(infoPath);
    if (pid === null && !isAlive(init)) throw new Error("bwrap exited before creating the sandbox");
    return pid;
  }, { timeoutMs, intervalMs: POLL_MS });
  if (childPid === null) throw new Error(`bwrap did not report its sandbox within ${timeoutMs} ms`);
  const inner = identify(childPid);
  if (!inner || parentOf(childPid) !== init.pid) {
    throw new Error(`the sandbox's pid 1 (pid ${childPid}) is not running under bwrap`);
  }
  return inner;
}

async function waitUntilReady(
  processes: ProcessIdentity[],
  inner: ProcessIdentity,
  door: ProcessIdentity,
  ports: number[],
  timeoutMs: number,
): Promise<void> {
  const ready = await poll(() => {
    if (!processes.every(isAlive)) throw new Error("the sandbox or its door exited while starting");
    // Whether every port listens is two reads; who holds the listeners is a scan of the whole
    // process table, made once they all listen (not at every look while they start).
    const listening = listeningSocketsOf(inner.pid);
    if (!ports.every((port) => (listening.get(port) ?? []).length > 0)) return false;
    const status = doorPorts(inner, door, ports);
    return status.closed.length + status.squatted.length === 0 && initRunning(inner.pid);
  }, { timeoutMs, intervalMs: DOOR_POLL_MS });
  if (ready) return;
  const status = doorPorts(inner, door, ports);
  const waiting = [...status.closed, ...status.squatted];
  const what = status.squatted.length > 0
    ? `door ports ${status.squatted.join(", ")} are held by a process inside the bottle`
    : waiting.length > 0
    ? `door ports ${waiting.join(", ")} did not listen`
    : "the sandbox's init did not start";
  throw new Error(`${what} within ${timeoutMs} ms`);
}

function readChildPid(infoPath: string): number | null {
  try {
    const info: unknown = JSON.parse(Deno.readTextFileSync(infoPath));
    if (typeof info === "object" && info !== null && "child-pid" in info) {
      const pid = info["child-pid"];
      if (typeof pid === "number" && Number.isInteger(pid) && pid > 0) return pid;
    }
  } catch {
    // not written (completely) yet
  }
  return null;
}

/**
 * bwrap execs the init (`--as-pid-1`) only after the mounts are in place, privileges are
 * dropped and the seccomp filter is loaded; the init names itself once it is non-dumpable.
 */
function initRunning(innerPid: number): boolean {
  try {
    return Deno.readTextFileSync(`/proc/${innerPid}/cmdline`).split("\0")[0] === INIT_NAME;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * SIGKILLs the sandbox: its pid 1 first (the kernel then kills the whole pid namespace). The
 * door's keeper leads a process group of its own: the whole group goes with it.
 */
export async function kill(
  processes: (ProcessIdentity | null)[],
  groups: (ProcessIdentity | null)[] = [],
): Promise<boolean> {
  let gone = true;
  for (const identity of groups) {
    if (identity) killGroup(identity);
  }
  for (const identity of [...processes, ...groups]) {
    if (!identity) continue;
    signalIfAlive(identity, "SIGKILL");
    gone = (await waitForExit(identity, 3000)) && gone;
    await reaped(identity.pid, 1000);
  }
  return gone;
}

/**
 * SIGKILLs the process group `leader` led, also once the leader itself is gone (its forwarding
 * loops live on): a group id is not reused while a member lives, and members are recognised by
 * the group id and a start no earlier than the leader's.
 */
function killGroup(leader: ProcessIdentity): void {
  const members = allProcesses().filter((process) =>
    process.pgid === leader.pid && process.startTime >= leader.startTime && process.state !== "Z"
  );
  if (members.length === 0) return;
  try {
    Deno.kill(-leader.pid, "SIGKILL");
  } catch {
    // gone meanwhile
  }
}

/** The log is copied by a reader process: wait (bounded) until it has something and is still. */
async function logSettled(path: string, timeoutMs: number): Promise<void> {
  let last = -1;
  await poll(() => {
    let size = 0;
    try {
      size = Deno.statSync(path).size;
    } catch {
      // not created
    }
    const settled = size > 0 && size === last;
    last = size;
    return settled;
  }, { timeoutMs, intervalMs: 15 });
}

function logTail(path: string): string {
  try {
    const text = Deno.readTextFileSync(path).trim();
    const tail = text.split("\n").slice(-20).join("\n").slice(-4000);
    return text ? `\n--- ${path} (last lines) ---\n${tail}` : "";
  } catch {
    return "";
  }
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // already gone
  }
}
