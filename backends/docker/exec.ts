/**
 * One command in a docker bottle's agent container, as the owner, under bot-bottle's seccomp
 * filter (run_args.ts seccompExecArgv): without a TTY through the Engine API
 * (engine_exec.ts), else, or where no daemon socket is known, through the docker CLI with the
 * host's stdio handling (../bwrap/exec.ts runHostCommand). Signals the CLI gets are passed on to
 * the command's process group inside, since `docker exec` passes none on.
 */
import type { CaptureFiles, ExecOptions, SandboxSpec } from "../backend.ts";
import { execEnv } from "../bwrap/env.ts";
import { runHostCommand } from "../bwrap/exec.ts";
import { SANDBOX } from "../bwrap/layout.ts";
import { sandboxOwner } from "../bwrap/owner.ts";
import { sandboxSeccomp } from "../bwrap/seccomp.ts";
import { dockerProgram } from "./cli.ts";
import { type EngineExec, engineExec, engineSocket } from "./engine_exec.ts";
import { execArgs, seccompExecArgv, signalExecArgv } from "./run_args.ts";

/** How long the exec that passes a signal on may take before it is killed. */
const SIGNAL_EXEC_MS = 5000;

export async function execInContainer(
  container: string,
  spec: SandboxSpec,
  argv: string[],
  options: ExecOptions,
): Promise<number> {
  if (options.capture && options.tty) throw new Error("exec cannot capture output with a tty");
  const user = sandboxOwner();
  // With a TTY, Ctrl-C reaches the command through its pty; without one, through this file.
  const pidFile = options.tty ? null : `/tmp/.bottle-exec-${crypto.randomUUID()}`;
  const env = execEnv(spec, options);
  const cwd = options.cwd ?? SANDBOX.workspace;
  const wrapped = seccompExecArgv(await sandboxSeccomp(spec.backendDir), argv, pidFile);
  const passOn = pidFile === null
    ? undefined
    : (signal: Deno.Signal): void => signalInside(container, user, pidFile, signal);
  const socket = options.tty ? null : engineSocket(Deno.env.toObject());
  if (socket !== null && passOn && isSocket(socket)) {
    const exec = { container, user: `${user.uid}:${user.gid}`, env, cwd, argv: wrapped };
    return await execThroughEngine(socket, exec, options.capture, passOn);
  }
  const cli = execArgs({ container, user, env, cwd, argv: wrapped, tty: options.tty });
  const command = {
    command: dockerCommand(),
    args: cli.args,
    env: { ...clientEnvBase(), ...cli.clientEnv },
  };
  return await runHostCommand(command, options.tty, options.capture, passOn);
}

/** Sends `signal` to the process group whose id the exec wrapper wrote in `pidFile`. */
function signalInside(
  container: string,
  user: { uid: number; gid: number },
  pidFile: string,
  signal: Deno.Signal,
): void {
  const { args } = execArgs({
    container,
    user,
    env: {},
    cwd: "/",
    argv: signalExecArgv(pidFile, signal),
    tty: false,
  });
  new Deno.Command(dockerCommand(), {
    args,
    env: clientEnvBase(),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    signal: AbortSignal.timeout(SIGNAL_EXEC_MS),
  }).spawn();
}

function isSocket(path: string): boolean {
  try {
    return Deno.statSync(path).isSocket === true;
  } catch {
    return false;
  }
}

const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** An exec through the Engine API, its output to the CLI's or to capture files. */
async function execThroughEngine(
  socket: string,
  exec: EngineExec,
  capture: CaptureFiles | undefined,
  passOn: (signal: Deno.Signal) => void,
): Promise<number> {
  const open = (path: string): Deno.FsFile =>
    Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
  const out = capture ? open(capture.stdout) : null;
  const err = capture ? open(capture.stderr) : null;
  const handlers = FORWARDED.map((signal) => ({ signal, handler: (): void => passOn(signal) }));
  for (const { signal, handler } of handlers) Deno.addSignalListener(signal, handler);
  try {
    return await engineExec(socket, exec, {
      stdin: capture ? null : Deno.stdin.readable,
      out: out ?? Deno.stdout,
      err: err ?? Deno.stderr,
    });
  } finally {
    for (const { signal, handler } of handlers) Deno.removeSignalListener(signal, handler);
    out?.close();
    err?.close();
  }
}

function dockerCommand(): string {
  const program = dockerProgram();
  if (program.includes("/")) return program;
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${program}`).isFile) return `${dir}/${program}`;
    } catch {
      // not here
    }
  }
  return program;
}

/** What the docker CLI needs of the operator's environment to reach the same daemon. */
function clientEnvBase(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (name.startsWith("DOCKER_")) env[name] = value;
  }
  const home = Deno.env.get("HOME");
  if (!env.DOCKER_CONFIG && home) env.DOCKER_CONFIG = `${home}/.docker`;
  return env;
}
