const LISTEN = "0A";
/** 127.0.0.1 as /proc/net/tcp prints it, on little- and big-endian hosts, and v4-mapped. */
const LOOPBACK = new Set([
  "0100007F",
  "7F000001",
  "0000000000000000FFFF00000100007F",
  "00000000000000000000FFFF7F000001",
]);

/** Ports in LISTEN state on 127.0.0.1 in a `/proc/net/tcp`-format table. */
export function loopbackListeners(table: string): Set<number> {
  return new Set(loopbackSockets(table).keys());
}

/** Port → inodes of the LISTEN sockets on 127.0.0.1 in a `/proc/net/tcp`-format table. */
export function loopbackSockets(table: string): Map<number, number[]> {
  const sockets = new Map<number, number[]>();
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== LISTEN) continue;
    const [address, port] = fields[1].split(":");
    if (!LOOPBACK.has(address.toUpperCase())) continue;
    const number = parseInt(port, 16);
    const inode = Number(fields[9] ?? NaN);
    sockets.set(number, [
      ...(sockets.get(number) ?? []),
      ...(Number.isFinite(inode) ? [inode] : []),
    ]);
  }
  return sockets;
}

/** Ports listening on 127.0.0.1 in the network namespace of `pid`, read from the host. */
export function listeningPortsOf(pid: number): Set<number> {
  return new Set(listeningSocketsOf(pid).keys());
}

/** Port → listening socket inodes on 127.0.0.1 in the network namespace of `pid`. */
export function listeningSocketsOf(pid: number): Map<number, number[]> {
  const sockets = new Map<number, number[]>();
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(`/proc/${pid}/net/${table}`);
    } catch {
      continue;
    }
    for (const [port, inodes] of loopbackSockets(text)) {
      sockets.set(port, [...(sockets.get(port) ?? []), ...inodes]);
    }
  }
  return sockets;
}

/** Inodes of the sockets the processes `pids` hold open (those we may look into). */
export function socketInodesHeldBy(pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`/proc/${pid}/fd`)];
    } catch {
      continue;
    }
    for (const entry of entries) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`));
        if (match) inodes.add(Number(match[1]));
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}
