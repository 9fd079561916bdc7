/**
 * Process identity: a pid alone is not life, because pids are reused. A process is
 * identified by its pid plus its start time (field 22 of /proc/PID/stat, in clock ticks
 * since boot), which no later process with the same pid can share.
 */
import { readStat } from "./proc_table.ts";

export interface ProcessIdentity {
  pid: number;
  startTime: number;
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
  const deadline = Date.now() + timeoutMs;
  while (isAlive(identity)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
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
