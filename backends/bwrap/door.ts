/**
 * The door's forwarders, kept where the agent cannot touch them. Each runs on the host, in
 * the host's pid namespace (invisible and unsignallable from inside: `kill -9 -1` in the
 * bottle cannot reach it), as the sandbox owner, having joined only the sandbox's user,
 * network and mount namespaces: it listens on the sandbox's 127.0.0.1:PORT and connects to
 * the service's socket at /run/bottle/SOCKET, with no capabilities and no_new_privs.
 * A keeper restarts a forwarder that exits and takes them all down once the sandbox is gone.
 * Each forwarder serves at most 256 connections at once (one host process each): more wait.
 */
import type { DoorService } from "../backend.ts";
import type { HostTools } from "../preflight.ts";
import { enterArgv } from "./enter.ts";
import { checkServices } from "./init.ts";
import { SANDBOX } from "./layout.ts";
import { becomeOwner, type SandboxOwner } from "./owner.ts";
import { closeFdsAbove } from "./shell.ts";

/**
 * socat's transfer buffer (`-b`), per direction and connection: its default of 8 KiB made
 * the door the bottleneck of large transfers (one read and write per 8 KiB each way).
 */
export const SOCAT_BUFFER_BYTES = 128 * 1024;

/**
 * bash; arguments: inner pid, its start time, socat, the number N of words that enter the
 * sandbox (see enter.ts) and those N words, then `port socket` pairs. `alive` compares the
 * start time, so a recycled pid never keeps a door open.
 */
export const KEEPER_SCRIPT = [
  'inner=$1 start=$2 socat=$3 n=$4; shift 4; enter=("${@:1:n}"); shift "$n"',
  "alive() {",
  '  local stat; read -r stat <"/proc/$inner/stat" 2>/dev/null || return 1',
  '  stat=${stat##*) }; set -- $stat; [ "${20}" = "$start" ]',
  "}",
  "forward() {",
  "  while alive; do",
  `    "\${enter[@]}" "$socat" -b ${SOCAT_BUFFER_BYTES} \\`,
  '      "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork,max-children=256" \\',
  `      "UNIX-CONNECT:${SANDBOX.run}/$2" &`,
  "    local socat_pid=$!",
  '    while alive && kill -0 "$socat_pid" 2>/dev/null; do sleep 1; done',
  '    kill "$socat_pid" 2>/dev/null; wait "$socat_pid"',
  "    sleep 0.2",
  "  done",
  "}",
  'while [ $# -gt 1 ]; do forward "$1" "$2" & shift 2; done',
  "while alive; do sleep 1; done",
  "kill 0",
].join("\n");

export interface KeeperRequest {
  tools: HostTools;
  owner: SandboxOwner;
  inner: { pid: number; startTime: number };
  services: readonly DoorService[];
}

/** The keeper's argv: a session of its own, as the owner, no descriptor of the CLI's. */
export function keeperArgv(request: KeeperRequest): string[] {
  const { tools, owner, inner, services } = request;
  checkServices(services);
  const enter = enterArgv({
    perl: tools.perl,
    owner: null,
    pid: inner.pid,
    namespaces: ["net", "mnt"],
    cwd: "/",
    inner: false,
    seccomp: null,
  });
  return [
    tools.bash,
    "-c",
    `${closeFdsAbove(2)}\nexec "$@"`,
    "bottle-door",
    tools.setsid,
    ...becomeOwner(owner, tools.setpriv),
    tools.bash,
    "-c",
    KEEPER_SCRIPT,
    "bottle-door",
    String(inner.pid),
    String(inner.startTime),
    tools.socat,
    String(enter.length),
    ...enter,
    ...services.flatMap((service) => [String(service.port), service.socket]),
  ];
}
