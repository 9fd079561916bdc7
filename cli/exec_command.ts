import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { getBackend } from "../backends/mod.ts";
import type { SandboxHandle, SandboxSpec } from "../backends/backend.ts";
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
  return await backend.exec(handle, spec, argv, {
    tty: options.tty ?? false,
    cwd: options.cwd,
    env: { ...options.envVars, ...parseEnv(options.env ?? []) },
  });
}

export function findSandbox(bottle: string): { handle: SandboxHandle; spec: SandboxSpec } {
  const state = new StateLookup(resolveStateDir());
  try {
    const record = state.record(`sandbox.${bottle}`);
    if (!record || !record.outputs) {
      const known = state.bottlesWith("sandbox");
      throw new UserError(
        `no bottle named "${bottle}" is applied`,
        known.length > 0
          ? `applied bottles: ${known.join(", ")}`
          : "apply one first: deno task apply",
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
