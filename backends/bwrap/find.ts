import { identify, type ProcessIdentity } from "../../lib/process.ts";

interface ProcessEntry {
  pid: number;
  ppid: number;
  argv: string[];
}

/**
 * Finds the bwrap sandbox whose command line binds `runDir` (each bottle's door is its
 * own directory), even when no handle was recorded: a run killed in the middle of a start
 * must not leave an orphan that the next run cannot see.
 */
export function findSandbox(
  runDir: string,
): { init: ProcessIdentity; inner: ProcessIdentity } | null {
  const entries = listProcesses();
  const byPid = new Map(entries.map((entry) => [entry.pid, entry]));
  const isBwrap = (entry: ProcessEntry | undefined): boolean =>
    entry !== undefined && /(^|\/)bwrap$/.test(entry.argv[0] ?? "");
  for (const entry of entries) {
    if (!isBwrap(entry) || isBwrap(byPid.get(entry.ppid)) || !entry.argv.includes(runDir)) continue;
    const child = entries.find((other) => other.ppid === entry.pid && isBwrap(other));
    const init = identify(entry.pid);
    const inner = child ? identify(child.pid) : null;
    if (init) return { init, inner: inner ?? init };
  }
  return null;
}

function listProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const { name } of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z") continue;
      const argv = Deno.readTextFileSync(`/proc/${name}/cmdline`).split("\0").filter(Boolean);
      entries.push({ pid: Number(name), ppid: Number(fields[1]), argv });
    } catch {
      // the process ended while we looked
    }
  }
  return entries;
}
