/** Process-table queries over /proc (Linux). */

import type { ProcessIdentity } from "./process.ts";

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
