import { allProcesses, readCmdline } from "../../lib/proc_table.ts";
import type { ProcessIdentity } from "../../lib/process.ts";

/**
 * Finds the bwrap sandbox whose command line binds `runDir` (each bottle's door is its
 * own directory), even when no handle was recorded: a run killed in the middle of a start
 * must not leave an orphan that the next run cannot see.
 */
export function findSandbox(
  runDir: string,
): { init: ProcessIdentity; inner: ProcessIdentity } | null {
  const live = allProcesses().filter((process) => process.state !== "Z");
  const bwraps = new Map(
    live.flatMap((process) => {
      const argv = readCmdline(process.pid);
      return argv && /(^|\/)bwrap$/.test(argv[0] ?? "") ? [[process.pid, { process, argv }]] : [];
    }),
  );
  for (const { process, argv } of bwraps.values()) {
    if (bwraps.has(process.ppid) || !argv.includes(runDir)) continue;
    const inner = [...bwraps.values()].find((other) => other.process.ppid === process.pid);
    const init = { pid: process.pid, startTime: process.startTime };
    return {
      init,
      inner: inner ? { pid: inner.process.pid, startTime: inner.process.startTime } : init,
    };
  }
  return null;
}
