/**
 * When a process started, as a wall-clock time: its start time (clock ticks since boot, see
 * process.ts) over USER_HZ, after the boot time the kernel reports in /proc/stat.
 */
import type { ProcessIdentity } from "./process.ts";

/** The kernel's unit for process times in /proc: fixed at 100 on x86, Arm and RISC-V. */
export const USER_HZ = 100;

/** The start of a process that started `ticks` after a boot at `bootSeconds` (Unix time). */
export function startedAt(bootSeconds: number, ticks: number, hz: number = USER_HZ): Date {
  return new Date(bootSeconds * 1000 + Math.round((ticks * 1000) / hz));
}

/** The `btime` line of /proc/stat's text, or null without one. */
export function bootSeconds(procStat: string): number | null {
  const match = /^btime (\d+)$/m.exec(procStat);
  return match ? Number(match[1]) : null;
}

/** When `identity` started, or null when the boot time cannot be read. */
export function processStartedAt(identity: ProcessIdentity): Date | null {
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/stat");
  } catch {
    return null;
  }
  const boot = bootSeconds(text);
  return boot === null ? null : startedAt(boot, identity.startTime);
}
