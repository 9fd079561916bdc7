import { allProcesses, readCmdline } from "../../lib/process.ts";
import type { ProcessIdentity } from "../../lib/process.ts";
import { stagePrefix } from "./stage.ts";

/**
 * Finds the bwrap sandbox whose command line binds `runDir` (each bottle's door is its
 * own directory; a root operator's bwrap binds it through its staging area, whose name is
 * derived from it), even when no handle was recorded: a run killed in the middle of a start
 * must not leave an orphan that the next run cannot see.
 */
export function findSandbox(
  runDir: string,
): { init: ProcessIdentity; inner: ProcessIdentity } | null {
  const live = allProcesses().filter((process) => process.state !== "Z");
  const staged = `${stagePrefix(runDir)}/`;
  const bwraps = new Map(
    live.flatMap((process) => {
      const argv = readCmdline(process.pid);
      return argv && /(^|\/)bwrap$/.test(argv[0] ?? "") ? [[process.pid, { process, argv }]] : [];
    }),
  );
  for (const { process, argv } of bwraps.values()) {
    if (bwraps.has(process.ppid)) continue;
    if (!argv.includes(runDir) && !argv.some((arg) => arg.startsWith(staged))) continue;
    const inner = live.find((other) => other.ppid === process.pid && inNestedPidNs(other.pid));
    const init = { pid: process.pid, startTime: process.startTime };
    return {
      init,
      inner: inner ? { pid: inner.pid, startTime: inner.startTime } : init,
    };
  }
  return null;
}

/**
 * The door keeper serving the sandbox whose pid 1 is `inner` (see door.ts), if one runs: the
 * leader of the session whose members carry the keeper's command line (its forwarding loops
 * are forks of it, with the same command line).
 */
export function findDoor(inner: ProcessIdentity): ProcessIdentity | null {
  for (const process of allProcesses()) {
    if (process.state === "Z" || process.pid !== process.sid) continue;
    const argv = readCmdline(process.pid);
    if (
      argv && argv[3] === "bottle-door" && argv[4] === String(inner.pid) &&
      argv[5] === String(inner.startTime)
    ) {
      return { pid: process.pid, startTime: process.startTime };
    }
  }
  return null;
}

/** Whether `pid` lives in a pid namespace below ours (the sandbox's pid 1, not the log reader). */
export function inNestedPidNs(pid: number): boolean {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const line = status.split("\n").find((entry) => entry.startsWith("NSpid:"));
    return (line?.trim().split(/\s+/).length ?? 0) > 2;
  } catch {
    return false;
  }
}
