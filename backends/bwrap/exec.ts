import type { CaptureFiles } from "../backend.ts";
import type { HostTools } from "../preflight.ts";
import { closeFdsAbove, HOST_ENV, shellJoin } from "./shell.ts";
import type { SandboxOwner } from "./owner.ts";
import { enterArgv, ENV_PREFIX } from "./enter.ts";
import { sleep } from "../../lib/wait.ts";

/** A host command line, ready for `Deno.Command`. */
export interface HostCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The host programs exec runs. */
export const EXEC_TOOLS = ["perl", "bash", "script"] as const;

export interface ExecRequest {
  tools: Pick<HostTools, (typeof EXEC_TOOLS)[number]>;
  /** Who the sandbox runs as: the command joins it as that identity, never as root. */
  owner: SandboxOwner;
  /** The sandbox's seccomp filter, loaded (by perl) just before the command runs. */
  seccomp: Uint8Array | null;
  /** Host pid of a process inside the sandbox (its pid 1). */
  innerPid: number;
  /** The complete environment for the command. */
  env: Record<string, string>;
  cwd: string;
  argv: string[];
  tty: boolean;
}

const CLOSE_AND_EXEC = `${closeFdsAbove(2)}\nexec "$@"`;

/**
 * How to run `argv` inside: enter.ts becomes the sandbox owner (for a root operator), joins
 * every namespace of the sandbox, empties the capability sets, sets no_new_privs and loads
 * the seccomp filter, then the command runs in exactly `env` (which crosses the host side
 * under a prefix: see enter.ts). Nothing the CLI inherited (a pipe, a directory)
 * reaches it: every descriptor above 2 is closed first. Without a TTY the command runs in a
 * new session (no controlling terminal, so no TIOCSTI into the operator's), and enter.ts does
 * both itself (`detach`), the first program started; with one, bash closes the descriptors
 * and `script` allocates a fresh pty on the host, of which the sandbox holds only the slave.
 */
export function buildExecCommand(request: ExecRequest): HostCommand {
  const { tools, owner, seccomp, innerPid, env, cwd, argv, tty } = request;
  if (argv.length === 0) throw new Error("exec needs a command");
  if (!cwd.startsWith("/") || cwd.includes("\0")) {
    throw new Error(`exec cwd must be an absolute path inside the sandbox (got "${cwd}")`);
  }
  const names = Object.keys(env).sort();
  const enter = [
    ...enterArgv({
      perl: tools.perl,
      owner: owner.switched ? owner : null,
      pid: innerPid,
      namespaces: ["ipc", "uts", "net", "cgroup", "pid", "mnt"],
      cwd,
      inner: true,
      seccomp,
      detach: !tty,
      env: names,
    }),
    ...argv,
  ];
  const hostEnv: Record<string, string> = { ...HOST_ENV };
  for (const name of names) hostEnv[`${ENV_PREFIX}${name}`] = env[name];
  if (!tty) return { command: enter[0], args: enter.slice(1), env: hostEnv };
  return {
    command: tools.bash,
    args: [
      "-c",
      CLOSE_AND_EXEC,
      "bottle-exec",
      tools.script,
      "-qfec",
      shellJoin(["exec", ...enter]),
      "/dev/null",
    ],
    env: hostEnv,
  };
}

const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** How long output written before the command ended may still be copied after it ends. */
const DRAIN_MS = 250;

/**
 * Runs the command; resolves to its exit status (128+N when killed by signal N). While it
 * runs, termination signals sent to the CLI are passed on to it.
 *
 * Without a TTY the sandbox never holds one of the CLI's own descriptors: stdin, stdout and
 * stderr are pipes that the CLI copies, and stops copying once the command has ended (after
 * a short drain). A process the agent leaves behind can then neither read what the operator
 * types next nor write to their terminal or truncate the file their output went to.
 * With a TTY, `script` holds the operator's terminal on the host; the sandbox gets its pty.
 */
export async function runHostCommand(
  command: HostCommand,
  tty: boolean,
  capture?: CaptureFiles,
  /** Passes a signal on instead of signalling the host command (docker: to the command inside). */
  passOn?: (signal: Deno.Signal) => void,
): Promise<number> {
  const child = new Deno.Command(command.command, {
    args: command.args,
    env: command.env,
    clearEnv: true,
    stdin: tty ? "inherit" : capture ? "null" : "piped",
    stdout: tty ? "inherit" : "piped",
    stderr: tty ? "inherit" : "piped",
  }).spawn();
  const stop = new AbortController();
  const copying = tty ? Promise.resolve() : copyStdio(child, capture, stop.signal);
  // Without a TTY the command leads its own session and process group: signal all of it.
  const forward = passOn ?? ((signal: Deno.Signal): void => {
    try {
      Deno.kill(tty ? child.pid : -child.pid, signal);
    } catch {
      try {
        Deno.kill(child.pid, signal);
      } catch {
        // already exited
      }
    }
  });
  const handlers = FORWARDED.map((signal) => ({ signal, handler: (): void => forward(signal) }));
  for (const { signal, handler } of handlers) Deno.addSignalListener(signal, handler);
  try {
    const { code } = await child.status;
    await drained(copying);
    stop.abort(); // stdin always; the outputs too when something inside still holds them
    await copying;
    return code;
  } finally {
    for (const { signal, handler } of handlers) Deno.removeSignalListener(signal, handler);
  }
}

/** Microtask turns given to the copies to finish after the command's status arrived. */
const SETTLE_TURNS = 50;

/**
 * Resolves when `copying` ends, or DRAIN_MS after, whichever is first. The timer is set only
 * when the copies have not already ended: the command's output normally reaches its end
 * with its status, and Deno's first timer costs ~10 ms (it loads node:timers), which is a
 * tenth of `bottle exec true`.
 */
async function drained(copying: Promise<void>): Promise<void> {
  let done = false;
  const ended = copying.then(() => done = true, () => done = true);
  for (let turn = 0; turn < SETTLE_TURNS && !done; turn++) await null;
  if (!done) await Promise.race([ended, sleep(DRAIN_MS)]);
}

async function copyStdio(
  child: Deno.ChildProcess,
  capture: CaptureFiles | undefined,
  signal: AbortSignal,
): Promise<void> {
  const out = capture ? openForCapture(capture.stdout) : null;
  const err = capture ? openForCapture(capture.stderr) : null;
  const keep = { signal, preventClose: !capture, preventAbort: true };
  const copies = [
    child.stdout.pipeTo(out ? out.writable : Deno.stdout.writable, keep),
    child.stderr.pipeTo(err ? err.writable : Deno.stderr.writable, keep),
  ];
  if (!capture) {
    // The command may end before it reads all its input: that is no failure of ours.
    Deno.stdin.readable.pipeTo(child.stdin, { signal, preventCancel: true }).catch(() => {});
  }
  const results = await Promise.allSettled(copies);
  for (const file of [out, err]) {
    try {
      file?.close();
    } catch {
      // closed by pipeTo
    }
  }
  const failure = results.find((result) => result.status === "rejected");
  if (failure && !signal.aborted) throw (failure as PromiseRejectedResult).reason;
}

function openForCapture(path: string): Deno.FsFile {
  return Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
}
