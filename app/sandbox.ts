/**
 * A bottle's running sandbox, as exec, export, run and attach need it: found in state (read
 * only, and light: `bottle exec` loads this and little else), checked running, and a command
 * run inside it.
 */
import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { runningBottlesOnDisk, unrecordedError } from "../engine/state_health.ts";
import { getBackend } from "../backends/mod.ts";
import type { Backend, SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import type { JsonObject } from "../lib/json.ts";
import { poll } from "../lib/wait.ts";
import { parseSandboxRecord, readSandboxHandleFile } from "../resources/sandbox_record.ts";
import { UserError } from "./errors.ts";

export interface RecordedSandbox {
  handle: SandboxHandle;
  spec: SandboxSpec;
}

/** A sandbox record's handle and spec; null when it has not started (no handle recorded). */
export function recordedSandbox(
  record: { id: string; bottle: string; inputs: JsonObject; outputs: JsonObject | null },
  stateDir: string,
): RecordedSandbox | null {
  if (!record.outputs) return null;
  const { spec, handle } = parseSandboxRecord(record);
  const started = handle ?? readSandboxHandleFile(stateDir, record.bottle);
  return started ? { handle: started, spec } : null;
}

/** The applied bottle's sandbox, from state; a UserError saying why when there is none. */
export function findSandbox(bottle: string, stateDir: string = resolveStateDir()): RecordedSandbox {
  const state = new StateLookup(stateDir);
  try {
    const record = state.record(`sandbox.${bottle}`);
    if (!record) {
      const running = runningBottlesOnDisk(stateDir).filter((live) => live.bottle === bottle);
      if (running.length > 0) {
        throw unrecordedError(`${stateDir}/state.db`, running, "exec cannot find its sandbox");
      }
      const known = state.bottlesWith("sandbox");
      throw new UserError(
        `no bottle named "${bottle}" is applied`,
        known.length > 0
          ? `applied bottles: ${known.join(", ")}`
          : "apply one first: deno task apply",
      );
    }
    const sandbox = recordedSandbox(record, stateDir);
    if (!sandbox) {
      throw new UserError(
        record.error
          ? `bottle "${bottle}" is applied but its sandbox failed to start: ${record.error}`
          : `bottle "${bottle}" is applied but its sandbox has not started (its ${record.status} ` +
            "step is in progress or was interrupted)",
        "apply again: deno task apply (deno task drift shows what is wrong)",
      );
    }
    return sandbox;
  } finally {
    state.close();
  }
}

/** A sandbox found in state whose backend says it runs. */
export interface RunningSandbox extends RecordedSandbox {
  bottle: string;
  backend: Backend;
}

/** The bottle's sandbox, checked running (`door: false`: its door's health is not needed). */
export function runningSandbox(
  bottle: string,
  stateDir: string = resolveStateDir(),
): RunningSandbox {
  const { handle, spec } = findSandbox(bottle, stateDir);
  const backend = getBackend(handle.backend);
  const status = backend.status(handle, { door: false });
  if (status.state === "gone") {
    throw new UserError(
      `bottle "${bottle}" is not running (${status.reason})`,
      "run `deno task drift` to see what changed and `deno task apply` to repair it",
    );
  }
  return { bottle, backend, handle, spec };
}

export interface ExecRequest {
  /** Give the command a fresh pseudo-terminal. */
  tty?: boolean;
  /** Working directory inside; default `/workspace`. */
  cwd?: string;
  /** Extra environment for the command. */
  env?: Record<string, string>;
}

export interface ExecResult {
  /** The command's exit status. */
  code: number;
  /** When it was killed because its bottle went away, that in one line; null otherwise. */
  stopped: string | null;
}

/** Runs `argv` inside a running sandbox, stdio passed through. */
export async function execInSandbox(
  sandbox: RunningSandbox,
  argv: readonly string[],
  request: ExecRequest = {},
): Promise<ExecResult> {
  const { bottle, backend, handle, spec } = sandbox;
  const code = await backend.exec(handle, spec, [...argv], {
    tty: request.tty ?? false,
    cwd: request.cwd,
    env: request.env,
  });
  return { code, stopped: await stoppedWhileRunning(bottle, code, backend, handle) };
}

/** Runs `argv` inside the bottle's running sandbox (found in `stateDir`'s state). */
export async function execInBottle(
  bottle: string,
  argv: readonly string[],
  request: ExecRequest & { stateDir?: string } = {},
): Promise<ExecResult> {
  return await execInSandbox(runningSandbox(bottle, request.stateDir), argv, request);
}

/** How long a sandbox being torn down may take to be gone after its commands were killed. */
const TEARDOWN_GRACE_MS = 1000;

/**
 * After a command killed by a signal (exit 128+N): whether that was its bottle going away
 * (destroyed or stopped while it ran), said in one line; null otherwise.
 */
export async function stoppedWhileRunning(
  bottle: string,
  code: number,
  backend: Pick<Backend, "status">,
  handle: SandboxHandle,
  graceMs = TEARDOWN_GRACE_MS,
): Promise<string | null> {
  if (code <= 128) return null;
  const gone = await poll(() => {
    const status = backend.status(handle, { door: false });
    return status.state === "gone" ? status : null;
  }, { timeoutMs: graceMs, intervalMs: 50 });
  if (!gone) return null;
  return `bottle exec: the command was killed (exit ${code}) because bottle "${bottle}" ` +
    `was stopped or destroyed while it ran (${gone.reason})`;
}
