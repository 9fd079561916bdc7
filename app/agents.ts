/**
 * Applied agents, as `bottle run` and `bottle attach` need them: found in state by name, with
 * the provider's template and what the agent's home holds.
 */
import { z } from "zod";
import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { PROVIDERS } from "../manifest/schema.ts";
import { type ProviderTemplate, templateFor } from "../manifest/templates/mod.ts";
import { isDirectory } from "../resources/bottle_home.ts";
import { readTree } from "../resources/confined_files.ts";
import { UserError } from "./errors.ts";

export interface AppliedAgent {
  agent: string;
  bottle: string;
  /** The manifest's `provider:` as applied. */
  provider: string;
  /** The provider's template; undefined for a provider without one. */
  template: ProviderTemplate | undefined;
  /** Host directory mapped at `/home/agent`. */
  home: string;
  /** The prompt's path inside the sandbox (`{prompt_file}`). */
  promptFile: string;
  /** Added to the environment of `bottle run` / `bottle attach`. */
  env: Record<string, string>;
  /** The manifest's `attach_command`, when it overrides the template's. */
  attachArgv?: string[];
  /** The manifest's `run_command`, when it overrides the template's. */
  runArgv?: string[];
}

/** The fields of an `agent_home` record's inputs that running an agent needs. */
const agentHomeInputs = z.object({
  provider: z.string(),
  home: z.string(),
  prompt_file: z.string(),
  env: z.record(z.string(), z.string()).optional(),
  attach_argv: z.array(z.string()).optional(),
  run_argv: z.array(z.string()).optional(),
});

/** An applied agent, from state; a UserError naming the applied ones when it is not there. */
export function findAgent(agent: string, stateDir: string = resolveStateDir()): AppliedAgent {
  const state = new StateLookup(stateDir);
  try {
    const records = state.ofType("agent_home");
    const record = records.find((r) => r.inputs.agent === agent);
    if (!record) {
      const known = records.map((r) => String(r.inputs.agent));
      throw new UserError(
        `no agent named "${agent}" is applied`,
        known.length > 0
          ? `applied agents: ${known.join(", ")}`
          : "add agents/NAME.md and apply it: deno task apply",
      );
    }
    const inputs = agentHomeInputs.safeParse(record.inputs);
    if (!inputs.success) {
      throw new UserError(
        `agent "${agent}" was applied by an older bot-bottle`,
        "apply again to update it: deno task apply",
      );
    }
    const { provider, home, prompt_file, env, attach_argv, run_argv } = inputs.data;
    const known = PROVIDERS.find((name) => name === provider);
    return {
      agent,
      bottle: record.bottle,
      provider,
      template: known === undefined ? undefined : templateFor(known),
      home,
      promptFile: prompt_file,
      env: env ?? {},
      ...(attach_argv === undefined ? {} : { attachArgv: attach_argv }),
      ...(run_argv === undefined ? {} : { runArgv: run_argv }),
    };
  } finally {
    state.close();
  }
}

/**
 * Whether the agent's CLI has stored a conversation (a `*.jsonl` file) in this directory of
 * the home or below it (Codex nests them by date: `sessions/YYYY/MM/DD/rollout-*.jsonl`). The
 * home is the agent's: it is listed as the agent, in a confined sandbox, no file opened, no
 * symlink followed.
 */
export async function hasConversation(home: string, sessions: string): Promise<boolean> {
  if (!isDirectory(home)) return false;
  const tree = await readTree(home, sessions, { file: 0, total: 4 << 20 });
  return tree.kind === "tree" &&
    tree.entries.some((entry) => entry.kind === "file" && entry.path.endsWith(".jsonl"));
}
