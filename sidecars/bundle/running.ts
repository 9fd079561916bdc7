/**
 * Every sidecar supervisor running on this host (bundles, git gates, supervise servers),
 * whoever's, read from their command lines: for `bottle cleanup`, which must see sidecars
 * that no state records. A supervisor leads its own session (see supervised.ts).
 */
import { allProcesses, type ProcessIdentity, readCmdline } from "../../lib/process.ts";
import { realUid } from "../../lib/process_uid.ts";

export interface RunningSupervisor {
  process: ProcessIdentity;
  /** The door (run directory) its daemon serves. */
  runDir: string;
  /** The daemon: `egress`, `gitgate`, `supervise`. */
  name: string;
  /** The daemon's socket, when its command line names one. */
  socket: string | null;
  uid: number;
}

/**
 * A supervisor's `--run-dir`, `--name` and `--socket` (before the daemon's `--`), or null when
 * `argv` is not a supervisor's: that of any checkout of bot-bottle, not only this one.
 */
export function supervisorArgs(
  argv: readonly string[],
): { runDir: string; name: string; socket: string | null } | null {
  const end = argv.indexOf("--");
  const own = end < 0 ? argv : argv.slice(0, end);
  if (!own.some((arg) => arg.endsWith("/sidecars/bundle/supervisor.pl"))) return null;
  const flag = (name: string): string | null => {
    const at = own.indexOf(name);
    return at >= 0 && at + 1 < own.length ? own[at + 1] : null;
  };
  const runDir = flag("--run-dir");
  const name = flag("--name");
  return runDir === null || name === null ? null : { runDir, name, socket: flag("--socket") };
}

export function runningSupervisors(): RunningSupervisor[] {
  return allProcesses().flatMap((process) => {
    if (process.state === "Z" || process.pid !== process.sid) return [];
    const argv = readCmdline(process.pid);
    const args = argv === null ? null : supervisorArgs(argv);
    const uid = args === null ? null : realUid(process.pid);
    if (args === null || uid === null) return [];
    return [{ process: { pid: process.pid, startTime: process.startTime }, ...args, uid }];
  });
}
