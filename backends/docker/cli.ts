/**
 * Running the `docker` CLI (Docker, or Podman's docker-compatible CLI through `BOT_BOTTLE_DOCKER`)
 * for short commands: output captured, stdin closed unless given, a time limit, and a failure
 * that says what to do when the daemon is down or the socket is not ours to use.
 */
import { runOutput, type RunResult } from "../../lib/command.ts";

/** Set to another docker-compatible CLI (e.g. `podman`) to use it instead of `docker`. */
export const DOCKER_ENV = "BOT_BOTTLE_DOCKER";

export function dockerProgram(): string {
  return Deno.env.get(DOCKER_ENV) || "docker";
}

export class DockerError extends Error {
  override name = "DockerError";
  constructor(message: string, readonly result: RunResult | null) {
    super(message);
  }
}

export interface DockerRunOptions {
  stdin?: string | Uint8Array;
  /** Extra environment for the CLI (e.g. values for `-e NAME`). */
  env?: Record<string, string>;
  /** Give up after this long (default 120 s); the CLI is killed. */
  timeoutMs?: number;
}

/** Runs `docker args…` to its end; never throws for a non-zero status. */
export async function dockerOutput(
  args: string[],
  options: DockerRunOptions = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const result = await runOutput(dockerProgram(), args, {
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    ...(options.env ? { env: options.env } : {}),
    install: installHint(dockerProgram()),
    timeoutMs,
  });
  if (result.signal !== null) {
    throw new DockerError(`docker ${args[0]} did not finish in ${timeoutMs / 1000} s`, result);
  }
  return result;
}

/** Runs `docker args…` and returns its stdout; a non-zero status is a DockerError. */
export async function docker(args: string[], options: DockerRunOptions = {}): Promise<string> {
  const result = await dockerOutput(args, options);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split("\n").slice(-5).join("\n") || `exit ${result.code}`;
    throw new DockerError(`docker ${args.slice(0, 2).join(" ")}: ${detail}`, result);
  }
  return result.stdout;
}

/** How to get the CLI, for the error when it is missing. */
function installHint(program: string): string {
  return /(^|\/)podman$/.test(program)
    ? "apt-get install -y podman"
    : "apt-get install -y docker.io, then start dockerd";
}

/**
 * Whether a failed command's output says the object does not exist (Docker: `No such image:
 * X`; Podman: `X: image not known`).
 */
export function isNoSuchObject(result: RunResult): boolean {
  return /no such (container|image|object|volume|network)|not found|not known/i.test(
    result.stderr,
  );
}
