/**
 * The `docker exec` that `bottle exec B -- ARGV…` runs for a docker bottle, rebuilt from the
 * bottle's state as backends/docker/backend.ts builds it (its user, working directory, whole
 * environment, and perl loading bot-bottle's seccomp filter and forking the command): timed on
 * its own, it is the docker part of `bottle exec`, and the rest is the CLI's own cost. Keep it
 * in step with DockerBackend.exec.
 */
import { findSandbox } from "../../app/sandbox.ts";
import { dockerProgram } from "../../backends/docker/cli.ts";
import { execArgs, seccompExecArgv } from "../../backends/docker/run_args.ts";
import { execEnv } from "../../backends/bwrap/env.ts";
import { SANDBOX } from "../../backends/bwrap/layout.ts";
import { sandboxOwner } from "../../backends/bwrap/owner.ts";
import { sandboxSeccomp } from "../../backends/bwrap/seccomp.ts";
import { which } from "./proc.ts";

export interface HostCommandLine {
  cmd: string;
  args: string[];
  /** Added to the bench's environment (the values `--env NAME` takes from the CLI's). */
  env: Record<string, string>;
}

export async function bottleDockerExec(
  stateDir: string,
  bottle: string,
  argv: readonly string[],
): Promise<HostCommandLine> {
  const { handle, spec } = findSandbox(bottle, stateDir);
  if (!handle.containers) throw new Error(`bottle ${bottle} is not a docker bottle`);
  const { args, clientEnv } = execArgs({
    container: handle.containers.agent,
    user: sandboxOwner(),
    env: execEnv(spec, { tty: false }),
    cwd: SANDBOX.workspace,
    // As a non-TTY exec runs it: perl forks the command and records its pid for signals.
    argv: seccompExecArgv(
      await sandboxSeccomp(spec.backendDir),
      argv,
      `/tmp/.bottle-exec-${crypto.randomUUID()}`,
    ),
    tty: false,
  });
  return { cmd: dockerCli(), args, env: clientEnv };
}

/** The docker CLI the backend runs (BOT_BOTTLE_DOCKER, else `docker`), as a path. */
export function dockerCli(): string {
  const program = dockerProgram();
  return program.includes("/") ? program : which(program) ?? program;
}
