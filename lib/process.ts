/**
 * Processes (Linux): the process table read from /proc, and process identity. A pid alone is
 * not life, because pids are reused. A process is identified by its pid plus its start time
 * (field 22 of /proc/PID/stat, in clock ticks since boot), which no later process with the
 * same pid can share. One module: identity needs the table, and the table's rows are
 * identities.
 */
import { poll } from "./wait.ts";

export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

export interface ProcStat extends ProcessIdentity {
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
}

export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: f[0],
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    startTime: Number(f[19]),
  };
}

/** Every process now in /proc (zombies included). */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readStat(Number(entry.name));
    if (stat !== null) out.push(stat);
  }
  return out;
}

/** Live (non-zombie) processes of the session led by `leader`, started no earlier than it. */
export function sessionMembers(leader: ProcessIdentity): ProcStat[] {
  return allProcesses().filter((p) =>
    p.sid === leader.pid && p.startTime >= leader.startTime && p.state !== "Z" && p.state !== "X"
  );
}

export function childrenOf(pid: number): ProcStat[] {
  return allProcesses().filter((p) => p.ppid === pid && p.state !== "Z" && p.state !== "X");
}

/** The NUL-separated argv of a process, or null when it is gone. */
export function readCmdline(pid: number): string[] | null {
  try {
    const raw = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    return raw === "" ? [] : raw.replace(/\0$/, "").split("\0");
  } catch {
    return null;
  }
}

/** Start time of a live process, or null when no such process exists (or it is a zombie). */
export function processStartTime(pid: number): number | null {
  const stat = readStat(pid);
  if (!stat || stat.state === "Z" || stat.state === "X") return null;
  return Number.isFinite(stat.startTime) ? stat.startTime : null;
}

export function identify(pid: number): ProcessIdentity | null {
  const startTime = processStartTime(pid);
  return startTime === null ? null : { pid, startTime };
}

export function isAlive(identity: ProcessIdentity): boolean {
  return processStartTime(identity.pid) === identity.startTime;
}

/** Send a signal to a process only if it is still the same process; true if sent. */
export function signalIfAlive(identity: ProcessIdentity, signal: Deno.Signal): boolean {
  if (!isAlive(identity)) return false;
  try {
    Deno.kill(identity.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Send a signal to the process group led by `identity` (kill(-pgid)); true if sent. */
export function signalGroupIfAlive(identity: ProcessIdentity, signal: Deno.Signal): boolean {
  if (!isAlive(identity)) return false;
  try {
    Deno.kill(-identity.pid, signal);
    return true;
  } catch {
    return signalIfAlive(identity, signal);
  }
}

/** Wait until the process is gone, up to `timeoutMs`; true if it is gone. */
export async function waitForExit(identity: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  return await poll(() => !isAlive(identity), { timeoutMs, intervalMs: 5 }) !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process (group) is gone. */
export async function terminate(
  identity: ProcessIdentity,
  options: { group?: boolean; graceMs?: number } = {},
): Promise<void> {
  const send = options.group ? signalGroupIfAlive : signalIfAlive;
  if (!send(identity, "SIGTERM")) return;
  if (await waitForExit(identity, options.graceMs ?? 1000)) return;
  send(identity, "SIGKILL");
  await waitForExit(identity, 2000);
}
