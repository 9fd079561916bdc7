/**
 * The one helper for the engine's short host commands (git, npm, chown, useradd, openssl, …):
 * run to the end with output captured, stdin closed unless given, and a failure that names
 * the command. Not for long-lived or streamed processes (a sandbox, the sidecar bundle, the
 * `bottle exec` path), which spawn `Deno.Command` themselves.
 */
import { utf8 } from "./bytes.ts";

export interface RunOptions {
  /** Added to this process's environment, or the whole environment with `clearEnv`. */
  env?: Record<string, string>;
  clearEnv?: boolean;
  cwd?: string;
  /** Written to the command's stdin, then closed (default: no stdin at all). */
  stdin?: string | Uint8Array;
  /** How to install the program, for the error when it is missing (`apt-get install -y git`). */
  install?: string;
  /** Kill the command (SIGTERM) after this long; its result then has `signal` set. */
  timeoutMs?: number;
}

export interface RunResult {
  /** The exit status (128 + N when killed by signal N). */
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero: `PROGRAM ARGS…: its stderr` (or its exit status). */
export class CommandError extends Error {
  override name = "CommandError";
  constructor(message: string, readonly result: RunResult) {
    super(message);
  }
}

/** Runs `program args…` to its end and returns its status and output (as UTF-8), whatever the status. */
export async function runOutput(
  program: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  let output: Deno.CommandOutput;
  try {
    const child = new Deno.Command(program, {
      args,
      ...(options.env ? { env: options.env } : {}),
      ...(options.clearEnv ? { clearEnv: true } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      ...(options.timeoutMs === undefined
        ? {}
        : { signal: AbortSignal.timeout(options.timeoutMs) }),
    }).spawn();
    // Fed while the output is read: a command that writes before it reads never stalls.
    const feeding = options.stdin === undefined ? null : feed(child.stdin, options.stdin);
    [output] = await Promise.all([child.output(), feeding]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      const install = options.install ? ` (${options.install})` : "";
      throw new Error(`${program} is not installed on this machine${install}`);
    }
    throw error;
  }
  return {
    code: output.code,
    signal: output.signal,
    stdout: utf8(output.stdout),
    stderr: utf8(output.stderr),
  };
}

/** `runOutput`, returning stdout; a non-zero status throws a `CommandError`. */
export async function run(
  program: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await runOutput(program, args, options);
  if (result.code !== 0) throw commandError(program, args, result);
  return result.stdout;
}

/** The error for a failed command: `PROGRAM ARGS…: stderr` (trimmed), or its exit status. */
export function commandError(program: string, args: string[], result: RunResult): CommandError {
  const message = result.stderr.trim() || `exit status ${result.code}`;
  return new CommandError(`${[program, ...args].join(" ")}: ${message}`, result);
}

async function feed(stdin: WritableStream<Uint8Array>, input: string | Uint8Array): Promise<void> {
  const writer = stdin.getWriter();
  try {
    await writer.write(typeof input === "string" ? new TextEncoder().encode(input) : input);
    await writer.close();
  } catch {
    // The command exited without reading it all: its status says what happened.
  }
}
