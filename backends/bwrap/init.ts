import type { DoorService } from "../backend.ts";

const SOCKET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Rejects services whose port or socket name could not be forwarded safely. */
export function checkServices(services: readonly DoorService[]): void {
  const ports = new Set<number>();
  for (const service of services) {
    const { name, port, socket } = service;
    // The forwarder runs without capabilities, so it cannot bind a privileged port.
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new Error(`door service ${name}: port ${port} must be an integer in 1024–65535`);
    }
    if (ports.has(port)) throw new Error(`door service ${name}: port ${port} is used twice`);
    ports.add(port);
    if (!SOCKET_NAME.test(socket) || socket.length > 80) {
      throw new Error(`door service ${name}: socket "${socket}" must be a plain file name`);
    }
  }
}

/** prctl's syscall number, for the init's PR_SET_DUMPABLE. */
export const PRCTL: Record<string, number> = { x86_64: 157, aarch64: 167 };

/** pid 1's name, taken once it is set up (launch waits for it). */
export const INIT_NAME = "bottle-init";

/**
 * The sandbox's pid 1 (bwrap `--as-pid-1`): sleeps, and the kernel reaps the orphans it
 * inherits (SIGCHLD ignored). Nothing inside can stop it: a pid namespace's init receives from
 * inside only the signals it handles, and it handles none (a handler, even for SIGCHLD, let a
 * flood of signals overrun perl's queue and kill it); it uses no CPU, so no limit set on it
 * from inside bites; it makes itself non-dumpable, so no process inside can ptrace it or read
 * its /proc entries; its command line is its name, so it shows no host path. It renames itself
 * last, so a pid 1 named INIT_NAME is set up.
 */
export function initArgv(perl: string, arch: string = Deno.build.arch): string[] {
  const prctl = PRCTL[arch];
  if (prctl === undefined) throw new Error(`no prctl syscall number known for ${arch}`);
  const script = [
    `syscall(${prctl}, 4, 0, 0, 0, 0) == 0 or die "bottle-init: PR_SET_DUMPABLE: $!\n";`,
    `$0 = "${INIT_NAME}";`,
    '$SIG{CHLD} = "IGNORE";',
    "sleep 3600 while 1;",
  ].join(" ");
  return [perl, "-e", script];
}
