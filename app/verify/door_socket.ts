/**
 * Whose socket listens on the door's port inside, the pure half: the listening sockets of a
 * `/proc/PID/net/tcp` table, and the judgement of who holds them. Any HTTP answer on
 * 127.0.0.1:PORT would do for a probe run inside; only the host can tell that the socket is
 * the door's forwarder's (a process in the keeper's session, outside the sandbox's pid
 * namespace) and not one the agent bound while the forwarder was down.
 */
import { allOf, fail } from "./verdict.ts";
import type { Judgement } from "./types.ts";

/** A socket in LISTEN state, as a `/proc/net/tcp` or `tcp6` table shows it. */
export interface ListenSocket {
  table: "tcp" | "tcp6";
  /** The local address as the table prints it (hex, the host's byte order). */
  address: string;
  port: number;
  inode: number;
}

const LISTEN = "0A";

/**
 * Local addresses on which a listener accepts a connection to 127.0.0.1: 127.0.0.1 itself,
 * the wildcard, and their v4-mapped forms in tcp6 (little- and big-endian hosts); a tcp6
 * wildcard (`::`) accepts IPv4 too unless it is v6-only, which the table does not show.
 */
const ACCEPTS_LOOPBACK = new Set([
  "0100007F",
  "7F000001",
  "00000000",
  "0000000000000000FFFF00000100007F",
  "00000000000000000000FFFF7F000001",
  "0000000000000000FFFF000000000000",
  "00000000000000000000FFFF00000000",
  "00000000000000000000000000000000",
]);

/** Every LISTEN socket of a `/proc/PID/net/tcp`-format table (the header line skipped). */
export function parseListenSockets(text: string, table: ListenSocket["table"]): ListenSocket[] {
  const sockets: ListenSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const [address, port] = fields[1].split(":");
    const inode = Number(fields[9]);
    if (!address || !port || !Number.isInteger(inode)) continue;
    sockets.push({ table, address: address.toUpperCase(), port: parseInt(port, 16), inode });
  }
  return sockets;
}

/** The sockets that would take a connection to 127.0.0.1:`port`. */
export function loopbackListeners(sockets: readonly ListenSocket[], port: number): ListenSocket[] {
  return sockets.filter((socket) => socket.port === port && ACCEPTS_LOOPBACK.has(socket.address));
}

/** A process holding a socket: the door's forwarder (keeper's session) or one inside. */
export interface SocketHolder {
  pid: number;
  name: string;
  place: "door" | "sandbox";
}

export interface DoorSocketObservation {
  port: number;
  /** The door keeper the handle records (null: none recorded), and whether it still runs. */
  keeper: { pid: number; alive: boolean } | null;
  /** The sockets that take connections to 127.0.0.1:port inside. */
  sockets: ListenSocket[];
  /** Per socket inode, the processes (of the keeper's session and the sandbox) holding it. */
  holders: Map<number, SocketHolder[]>;
}

function describe(socket: ListenSocket): string {
  return `socket ${socket.inode} (${socket.table} ${socket.address}:${socket.port})`;
}

function holderNames(holders: readonly SocketHolder[]): string {
  return holders.map((holder) => `${holder.name} (host pid ${holder.pid})`).join(", ");
}

/**
 * PASS when every socket taking 127.0.0.1:PORT inside is held by the door keeper's
 * processes alone, and there is one; FAIL naming the socket's holders otherwise.
 */
export function judgeDoorSocket(observation: DoorSocketObservation): Judgement {
  const { port, keeper, sockets, holders } = observation;
  const where = `127.0.0.1:${port} inside`;
  if (keeper === null) return fail(`${where}: the sandbox's handle records no door keeper`);
  if (!keeper.alive) return fail(`${where}: the door keeper (host pid ${keeper.pid}) is gone`);
  if (sockets.length === 0) return fail(`nothing listens on ${where} (seen from the host)`);
  return allOf(sockets.map((socket) => {
    const held = holders.get(socket.inode) ?? [];
    const inside = held.filter((holder) => holder.place === "sandbox");
    if (held.length === 0) {
      return {
        ok: false,
        evidence: `${where}: ${describe(socket)} is held by no process of the door keeper's`,
      };
    }
    if (inside.length > 0) {
      return {
        ok: false,
        evidence: `${where}: ${describe(socket)} is held inside the sandbox by ` +
          holderNames(inside),
      };
    }
    return {
      ok: true,
      evidence: `${where}: ${describe(socket)} is held by ${holderNames(held)} in the door ` +
        `keeper's session (host pid ${keeper.pid}), outside the sandbox`,
    };
  }));
}
