import { isAlive, sessionMembers } from "../../lib/process.ts";
import type { SandboxHandle } from "../backend.ts";
import type { ProcessIdentity } from "../../lib/process.ts";
import { listeningSocketsOf, socketInodesHeldBy } from "./listening.ts";

export interface DoorPorts {
  /** Ports nothing listens on inside. */
  closed: number[];
  /** Ports something inside listens on that is not the door's forwarder (the agent, squatting). */
  squatted: number[];
}

/**
 * Which door ports are not served by the door: a listener on 127.0.0.1:PORT inside counts only
 * when its socket is held by a process of the keeper's session (none when `door` is null: it is
 * gone), outside the sandbox — else the agent could answer in the door's place once a forwarder
 * was gone, and drift would say all is well.
 */
export function doorPorts(
  inner: ProcessIdentity,
  door: ProcessIdentity | null | undefined,
  ports: readonly number[],
): DoorPorts {
  const listening = listeningSocketsOf(inner.pid);
  const keepers = door ? sessionMembers(door).map((member) => member.pid) : [];
  const held = socketInodesHeldBy(keepers);
  const result: DoorPorts = { closed: [], squatted: [] };
  for (const port of ports) {
    const inodes = listening.get(port) ?? [];
    if (inodes.length === 0) result.closed.push(port);
    else if (!inodes.some((inode) => held.has(inode))) result.squatted.push(port);
  }
  return result;
}

/** The problems in words ([] when every port is the door's). */
export function describeDoorPorts(ports: DoorPorts): string[] {
  const problems: string[] = [];
  if (ports.closed.length > 0) {
    problems.push(`door port ${ports.closed.join(", ")} is not listening inside`);
  }
  if (ports.squatted.length > 0) {
    problems.push(
      `door port ${ports.squatted.join(", ")} is held by a process inside the bottle, not the door`,
    );
  }
  return problems;
}

/**
 * A dead keeper, or a door port not served by it: the agent has lost its way out. The same
 * for every backend whose handle records the door's keeper and a process inside (bwrap, docker).
 */
export function doorProblems(handle: SandboxHandle): string[] {
  const alive = handle.door !== undefined && isAlive(handle.door);
  const problems = alive ? [] : ["the door's forwarders are not running"];
  const ports = doorPorts(handle.inner, alive ? handle.door : null, handle.ports ?? []);
  return [...problems, ...describeDoorPorts(ports)];
}
