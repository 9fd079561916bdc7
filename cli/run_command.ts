import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import type { AgentProvider } from "../manifest/types.ts";
import { buildRunArgv, promptPathInside, templateFor } from "../manifest/templates/mod.ts";
import type { AgentHomeInputs } from "../resources/agent_home.ts";
import { UserError } from "./errors.ts";
import { execCommand } from "./exec_command.ts";

export interface RunCommandOptions {
  prompt: string;
}

/** `bottle run AGENT -p "…"`: one unattended turn of the agent in its bottle; its status. */
export async function runCommand(agent: string, options: RunCommandOptions): Promise<number> {
  const { bottle, provider } = findAgent(agent);
  const template = templateFor(provider);
  if (!template) {
    throw new UserError(
      `agent "${agent}" uses provider ${provider}, which cannot run unattended yet`,
      "use provider: claude",
    );
  }
  const argv = buildRunArgv(template, {
    prompt: options.prompt,
    prompt_file: promptPathInside(agent),
  });
  return await execCommand(bottle, argv, { tty: false, cwd: "/workspace" });
}

function findAgent(agent: string): { bottle: string; provider: AgentProvider } {
  const state = new StateLookup(resolveStateDir());
  try {
    const records = state.ofType("agent_home");
    const record = records.find((r) => (r.inputs as unknown as AgentHomeInputs).agent === agent);
    if (!record) {
      const known = records.map((r) => (r.inputs as unknown as AgentHomeInputs).agent);
      throw new UserError(
        `no agent named "${agent}" is applied`,
        known.length > 0
          ? `applied agents: ${known.join(", ")}`
          : "add agents/NAME.md and apply it: deno task apply",
      );
    }
    const inputs = record.inputs as unknown as AgentHomeInputs;
    return { bottle: record.bottle, provider: inputs.provider as AgentProvider };
  } finally {
    state.close();
  }
}
