/**
 * Whose socket listens on the door's port inside, the I/O half: the sandbox's TCP tables and
 * the descriptors of the door keeper's processes and the sandbox's, read from the host.
 */
import { sessionMembers } from "../../lib/process.ts";
import { isAlive } from "../../lib/process.ts";
import type { SandboxHandle } from "../../backends/backend.ts";
import {
  type DoorSocketObservation,
  type ListenSocket,
  loopbackListeners,
  parseListenSockets,
  type SocketHolder,
} from "./door_socket.ts";
import { sandboxPids } from "./host.ts";

/**
 * Who holds the sockets that take connections to 127.0.0.1:`port` in the sandbox of
 * `handle`: its TCP tables (`/proc/INNER/net/tcp`, `tcp6`), then the open descriptors of
 * every process of the sandbox's pid namespace and of the door keeper's session (`sid` is
 * the keeper's pid) outside it.
 */
export function observeDoorSocket(handle: SandboxHandle, port: number): DoorSocketObservation {
  const tables: ListenSocket[] = [];
  for (const table of ["tcp", "tcp6"] as const) {
    const text = readText(`/proc/${handle.inner.pid}/net/${table}`);
    if (text !== null) tables.push(...parseListenSockets(text, table));
  }
  const sockets = loopbackListeners(tables, port);
  const door = handle.door ?? null;
  const alive = door !== null && isAlive(door);
  const inside = sandboxPids(handle.inner.pid);
  const candidates: { pid: number; place: SocketHolder["place"] }[] = [
    ...inside.map((pid) => ({ pid, place: "sandbox" as const })),
    ...(door && alive ? sessionMembers(door) : [])
      .filter((member) => !inside.includes(member.pid))
      .map((member) => ({ pid: member.pid, place: "door" as const })),
  ];
  const wanted = new Set(sockets.map((socket) => socket.inode));
  const holders = new Map<number, SocketHolder[]>();
  for (const { pid, place } of candidates) {
    for (const inode of socketInodes(pid)) {
      if (!wanted.has(inode)) continue;
      const name = readText(`/proc/${pid}/comm`)?.trim() ?? "?";
      holders.set(inode, [...(holders.get(inode) ?? []), { pid, name, place }]);
    }
  }
  return { port, keeper: door ? { pid: door.pid, alive } : null, sockets, holders };
}

/** The inodes of the sockets a process has open (none when it is gone or not ours to see). */
function socketInodes(pid: number): number[] {
  const inodes: number[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(`/proc/${pid}/fd`)];
  } catch {
    return inodes;
  }
  for (const entry of entries) {
    try {
      const match = Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`).match(/^socket:\[(\d+)\]$/);
      if (match) inodes.push(Number(match[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}
