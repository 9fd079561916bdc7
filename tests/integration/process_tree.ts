/**
 * Ending a server and everything it started, for test fixtures whose server forks children
 * that leave its process group (sshd gives each connection its own session): the tree is found
 * by parent pid and frozen with SIGSTOP until no new member appears (a stopped process cannot
 * fork), then every member is killed. Bounded throughout.
 */
import { allProcesses, isAlive, type ProcessIdentity, signalIfAlive } from "../../lib/process.ts";
import { poll } from "../../lib/wait.ts";

/** `root` and its live descendants, by parent pid (none started before `root`). */
export function treeOf(root: ProcessIdentity): ProcessIdentity[] {
  const table = allProcesses().filter((p) =>
    p.state !== "Z" && p.state !== "X" && p.startTime >= root.startTime
  );
  const found: ProcessIdentity[] = [];
  const seen = new Set<number>();
  const queue = [root.pid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const stat = table.find((p) => p.pid === pid);
    if (stat === undefined || seen.has(pid)) continue;
    seen.add(pid);
    found.push({ pid, startTime: stat.startTime });
    for (const child of table) if (child.ppid === pid) queue.push(child.pid);
  }
  return found;
}

/** SIGSTOP the whole tree until it stops growing, SIGKILL it, and wait (≤ 3 s) for it to go. */
export async function killTree(root: ProcessIdentity): Promise<void> {
  const frozen = new Map<number, ProcessIdentity>();
  for (let round = 0; round < 20; round++) {
    const fresh = treeOf(root).filter((p) => !frozen.has(p.pid));
    if (fresh.length === 0) break;
    for (const member of fresh) {
      signalIfAlive(member, "SIGSTOP");
      frozen.set(member.pid, member);
    }
  }
  for (const member of frozen.values()) signalIfAlive(member, "SIGKILL");
  const members = [...frozen.values()];
  await poll(() => members.every((member) => !isAlive(member)), { timeoutMs: 3000 });
}
