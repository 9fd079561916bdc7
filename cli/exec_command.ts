import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { runningBottlesOnDisk, unrecordedError } from "../engine/state_health.ts";
import { getBackend } from "../backends/mod.ts";
import type { Backend, SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import { UserError } from "./errors.ts";

export interface ExecCommandOptions {
  tty?: boolean;
  cwd?: string;
  env?: string[];
  /** Variables set before `env`'s pairs (an agent's own environment). */
  envVars?: Record<string, string>;
}

/** `bottle exec BOTTLE -- CMD…`: runs CMD inside the bottle's sandbox; returns its status. */
export async function execCommand(
  bottle: string,
  argv: string[],
  options: ExecCommandOptions,
): Promise<number> {
  if (argv[0] === "--") argv = argv.slice(1);
  if (argv.length === 0) throw new UserError("nothing to run", "bottle exec BOTTLE -- CMD [ARG…]");
  const { handle, spec } = findSandbox(bottle);
  const backend = getBackend(handle.backend);
  const status = backend.status(handle, { door: false });
  if (status.state === "gone") {
    throw new UserError(
      `bottle "${bottle}" is not running (${status.reason})`,
      "run `deno task drift` to see what changed and `deno task apply` to repair it",
    );
  }
  const code = await backend.exec(handle, spec, argv, {
    tty: options.tty ?? false,
    cwd: options.cwd,
    env: { ...options.envVars, ...parseEnv(options.env ?? []) },
  });
  const stopped = await stoppedWhileRunning(bottle, code, backend, handle);
  if (stopped) console.error(stopped);
  return code;
}

/** How long a sandbox being torn down may take to be gone after its commands were killed. */
const TEARDOWN_GRACE_MS = 1000;

/**
 * After a command killed by a signal (exit 128+N): whether that was its bottle going away
 * (destroyed or stopped while it ran), said in one line for stderr; null otherwise.
 */
export async function stoppedWhileRunning(
  bottle: string,
  code: number,
  backend: Pick<Backend, "status">,
  handle: SandboxHandle,
  graceMs = TEARDOWN_GRACE_MS,
): Promise<string | null> {
  if (code <= 128) return null;
  const deadline = Date.now() + graceMs;
  while (true) {
    const status = backend.status(handle, { door: false });
    if (status.state === "gone") {
      return `bottle exec: the command was killed (exit ${code}) because bottle "${bottle}" ` +
        `was stopped or destroyed while it ran (${status.reason})`;
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function findSandbox(
  bottle: string,
  stateDir: string = resolveStateDir(),
): { handle: SandboxHandle; spec: SandboxSpec } {
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
    if (!record.outputs) {
      throw new UserError(
        record.error
          ? `bottle "${bottle}" is applied but its sandbox failed to start: ${record.error}`
          : `bottle "${bottle}" is applied but its sandbox has not started (its ${record.status} ` +
            "step is in progress or was interrupted)",
        "apply again: deno task apply (deno task drift shows what is wrong)",
      );
    }
    const { backend: _backend, ...spec } = record.inputs;
    return {
      handle: record.outputs as unknown as SandboxHandle,
      spec: spec as unknown as SandboxSpec,
    };
  } finally {
    state.close();
  }
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UserError(`invalid --env "${pair}"`, "write --env NAME=VALUE");
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}
