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
  const ports = new Set<number>();
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== LISTEN) continue;
    const [address, port] = fields[1].split(":");
    if (LOOPBACK.has(address.toUpperCase())) ports.add(parseInt(port, 16));
  }
  return ports;
}

/** Ports listening on 127.0.0.1 in the network namespace of `pid`, read from the host. */
export function listeningPortsOf(pid: number): Set<number> {
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(`/proc/${pid}/net/${table}`);
    } catch {
      continue;
    }
    for (const port of loopbackListeners(text)) ports.add(port);
  }
  return ports;
}
