/**
 * The `docker` command lines of a bottle (pure): the agent's container, the door's container
 * beside it, and one exec.
 *
 * The agent's container has no network at all (`--network none`: loopback only), a read-only
 * root, writable /workspace, home and /tmp, no capabilities, no_new_privs, Docker's default
 * seccomp profile, and cgroup limits. It runs as the sandbox owner (the operator, or the
 * `bot-bottle` system account for root: see ../bwrap/owner.ts): without user namespace
 * remapping a container's uid is the host's, so this is the one identity that owns the
 * bottle's files and is never privileged on the host.
 *
 * The door's forwarders run in a second container that joins only the agent's network
 * namespace (`--network container:AGENT`): they listen on 127.0.0.1:PORT inside it and
 * connect to the service's socket in the run directory, which only they mount. In a pid
 * namespace of their own they are invisible and unsignallable from the agent's.
 */
import type { DoorService, SandboxSpec } from "../backend.ts";
import { SANDBOX } from "../bwrap/layout.ts";
import { SOCAT_BUFFER_BYTES } from "../bwrap/door.ts";
import { initArgv, PRCTL } from "../bwrap/init.ts";
import { labelArgs } from "./labels.ts";

export interface ContainerUser {
  uid: number;
  gid: number;
}

/** The door container's own limits: a few socat processes, one per connection. */
export const DOOR_LIMITS = { memory: "256m", pids: 600 } as const;

/** The generated /etc files bound read-only over the image's (see ../bwrap/etc.ts). */
export const ETC_FILES = ["passwd", "group", "nsswitch.conf", "hosts", "resolv.conf"] as const;

function bind(source: string, target: string, readonly: boolean): string[] {
  for (const path of [source, target]) {
    if (!path.startsWith("/") || /[,\n\0"]/.test(path)) {
      throw new Error(
        `cannot bind ${JSON.stringify(path)} into a container: it must be an ` +
          "absolute path without commas, quotes or newlines",
      );
    }
  }
  return ["--mount", `type=bind,source=${source},target=${target}${readonly ? ",readonly" : ""}`];
}

function hardening(user: ContainerUser, init: boolean): string[] {
  return [
    "--user",
    `${user.uid}:${user.gid}`,
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--read-only",
    // Nothing to shut down gracefully: `rm --force` kills at once (Podman otherwise waits 10 s).
    "--stop-timeout",
    "0",
    ...(init ? ["--init"] : []),
    "--ipc",
    "private",
    "--log-driver",
    "none",
  ];
}

export interface AgentRunRequest {
  spec: SandboxSpec;
  name: string;
  hostname: string;
  user: ContainerUser;
  /** Host directory holding the generated ETC_FILES. */
  etcDir: string;
  labels: Record<string, string>;
}

/** perl-base is in every Debian image (and bwrap's pid 1 is a perl one-liner too). */
const IMAGE_PERL = "/usr/bin/perl";

/**
 * `docker run` of the agent's container (detached). Its pid 1 is bwrap's (../bwrap/init.ts):
 * it sleeps, lets the kernel reap what it inherits, handles no signal (so nothing inside can
 * stop it, not even `kill -9 -1`) and is not dumpable. Docker's `--init` would not do: tini
 * exits, and the container with it, once its one child is killed from inside.
 */
export function agentRunArgs(request: AgentRunRequest): string[] {
  const { spec, name, hostname, user, etcDir, labels } = request;
  if (!spec.image) throw new Error(`bottle ${spec.bottle}: a docker sandbox needs an image`);
  const limits = spec.limits;
  return [
    "run",
    "--detach",
    "--name",
    name,
    "--hostname",
    hostname,
    "--network",
    "none",
    ...hardening(user, false),
    ...(limits
      ? [
        "--memory",
        limits.memory,
        "--memory-swap",
        limits.memory,
        "--cpus",
        String(limits.cpus),
        "--pids-limit",
        String(limits.pids),
      ]
      : []),
    "--tmpfs",
    "/tmp:rw,nosuid,nodev,mode=1777",
    ...bind(spec.workspaceDir, SANDBOX.workspace, false),
    ...bind(spec.homeDir, SANDBOX.home, false),
    ...(spec.trustDir
      ? [
        ...bind(spec.trustDir, SANDBOX.trust, true),
        ...bind(`${spec.trustDir}/ca-bundle.crt`, SANDBOX.systemBundle, true),
      ]
      : []),
    ...ETC_FILES.flatMap((file) => bind(`${etcDir}/${file}`, `/etc/${file}`, true)),
    ...(spec.roBinds ?? []).flatMap((entry) => bind(entry.host, entry.inside, true)),
    ...labelArgs(labels),
    "--workdir",
    SANDBOX.workspace,
    spec.image,
    ...initArgv(IMAGE_PERL),
  ];
}

/**
 * bash in the door's container; arguments are `port socket` pairs. Each forwarder is
 * restarted if it exits; the container lives as long as its keeper.
 */
export const DOOR_SCRIPT = [
  "forward() {",
  "  while :; do",
  `    socat -b ${SOCAT_BUFFER_BYTES} \\`,
  '      "TCP-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork,max-children=256" \\',
  `      "UNIX-CONNECT:${SANDBOX.run}/$2"`,
  "    sleep 0.2",
  "  done",
  "}",
  'while [ $# -gt 1 ]; do forward "$1" "$2" & shift 2; done',
  "wait",
].join("\n");

export interface DoorRunRequest {
  spec: SandboxSpec;
  name: string;
  /** The agent's container, whose network namespace the door joins. */
  agent: string;
  user: ContainerUser;
  labels: Record<string, string>;
}

/** `docker run` of the door's container. */
export function doorRunArgs(request: DoorRunRequest): string[] {
  const { spec, name, agent, user, labels } = request;
  if (!spec.image) throw new Error(`bottle ${spec.bottle}: a docker sandbox needs an image`);
  return [
    "run",
    "--detach",
    "--name",
    name,
    "--network",
    `container:${agent}`,
    ...hardening(user, true),
    "--memory",
    DOOR_LIMITS.memory,
    "--pids-limit",
    String(DOOR_LIMITS.pids),
    ...bind(spec.runDir, SANDBOX.run, false),
    ...labelArgs(labels),
    spec.image,
    "bash",
    "-c",
    DOOR_SCRIPT,
    "bottle-door",
    ...doorPairs(spec.services),
  ];
}

function doorPairs(services: readonly DoorService[]): string[] {
  return services.flatMap((service) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(service.socket)) {
      throw new Error(`door socket name ${JSON.stringify(service.socket)} is not a plain name`);
    }
    return [String(service.port), service.socket];
  });
}

/**
 * perl, then the command: loads bot-bottle's seccomp filter (the one bwrap bottles run under,
 * ../seccomp/) on top of Docker's default profile, then runs it. Filters stack, so the command
 * is held to both: Docker's default still allows ptrace and io_uring, ours does not.
 *
 * With a `pidFile` (no TTY), the command runs in a process group of its own whose id perl
 * writes there, waits for it, removes the file and exits with its status: `docker exec` passes
 * no signal on, so the CLI signals that group through another exec (signalExecArgv).
 */
export function seccompExecArgv(
  filter: Uint8Array,
  argv: readonly string[],
  pidFile: string | null = null,
  arch: string = Deno.build.arch,
): string[] {
  const prctl = PRCTL[arch];
  if (prctl === undefined) throw new Error(`no prctl syscall number known for ${arch}`);
  const run = [
    "exec { $ARGV[0] } @ARGV;",
    "my $missing = (0 + $!) == 2;",
    'print STDERR "bottle-exec: $ARGV[0]: ", ($missing ? "not found" : "$!"), "\n";',
    "exit($missing ? 127 : 126);",
  ];
  const script = [
    "my ($hex, $pidfile) = (shift, shift);",
    "my $bpf = pack('H*', $hex);",
    "my $prog = pack('S x![P] P', length($bpf) / 8, $bpf);",
    `syscall(${prctl}, 22, 2, $prog, 0, 0) == 0 or die "bottle-exec: seccomp: $!\n";`,
    ...(pidFile === null ? run : [
      'my $child = fork(); defined $child or die "bottle-exec: fork: $!\n";',
      "if ($child == 0) { setpgrp(0, 0);",
      ...run,
      "}",
      // The waiting parent shows as `bottle-exec`, not as the command (pgrep -f would find it).
      "$0 = 'bottle-exec';",
      "if (open(my $f, '>', $pidfile)) { print $f $child; close $f }",
      "$SIG{$_} = 'IGNORE' for qw(INT TERM HUP QUIT);",
      "waitpid($child, 0); my $status = $?; unlink $pidfile;",
      "exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);",
    ]),
  ].join(" ");
  const hex = Array.from(filter, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return [IMAGE_PERL, "-e", script, hex, pidFile ?? "-", ...argv];
}

/** The command inside that sends `signal` to the process group whose id is in `pidFile`. */
export function signalExecArgv(pidFile: string, signal: Deno.Signal): string[] {
  return [
    "/bin/sh",
    "-c",
    // The file is the agent's to replace (a FIFO would block a plain read): bounded, and a
    // kill as the agent reaches only the agent's own processes anyway.
    'p=$(timeout 2 head -c 20 "$1" 2>/dev/null) && [ -n "$p" ] && kill -s "$2" -- "-$p"',
    "bottle-signal",
    pidFile,
    signal.replace(/^SIG/, ""),
  ];
}

/** Names of variables the docker CLI itself reads: passed in argv, never through its env. */
const CLIENT_VARIABLE = /^(DOCKER_|HOME$|PATH$)/;

export interface ExecRequest {
  container: string;
  user: ContainerUser;
  env: Record<string, string>;
  cwd: string;
  argv: string[];
  tty: boolean;
}

/**
 * `docker exec` of one command, and the values to add to the docker CLI's environment:
 * `-e NAME` takes NAME's value from there, so values stay out of the host's process table.
 * The few names the CLI reads itself (HOME, PATH, DOCKER_*) go in argv as NAME=VALUE.
 */
export function execArgs(
  request: ExecRequest,
): { args: string[]; clientEnv: Record<string, string> } {
  const { container, user, env, cwd, argv, tty } = request;
  if (argv.length === 0) throw new Error("exec needs a command");
  if (!cwd.startsWith("/") || cwd.includes("\0")) {
    throw new Error(`exec cwd must be an absolute path inside the sandbox (got "${cwd}")`);
  }
  const clientEnv: Record<string, string> = {};
  const envArgs: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (CLIENT_VARIABLE.test(name)) {
      envArgs.push("--env", `${name}=${env[name]}`);
    } else {
      envArgs.push("--env", name);
      clientEnv[name] = env[name];
    }
  }
  return {
    args: [
      "exec",
      "--interactive",
      ...(tty ? ["--tty"] : []),
      "--user",
      `${user.uid}:${user.gid}`,
      "--workdir",
      cwd,
      ...envArgs,
      container,
      ...argv,
    ],
    clientEnv,
  };
}
