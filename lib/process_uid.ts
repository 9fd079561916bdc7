/** Whose a process is: its real uid, as the kernel reports it in /proc/PID/status. */

/** The real uid of a process (the `Uid:` line of its status), or null when it is gone. */
export function realUid(pid: number): number | null {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const line = /^Uid:\s+(\d+)/m.exec(status);
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}
