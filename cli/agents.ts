import { StateLookup } from "../engine/state_lookup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import type { AgentProvider } from "../manifest/types.ts";
import type { AgentHomeInputs } from "../resources/agent_home.ts";
import { UserError } from "./errors.ts";

export interface AppliedAgent {
  bottle: string;
  provider: AgentProvider;
  /** The agent's `agent_home` inputs as applied. */
  home: AgentHomeInputs;
}

/** An applied agent, from state; a UserError naming the applied ones when it is not there. */
export function findAgent(agent: string): AppliedAgent {
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
    if (typeof inputs.prompt_file !== "string") {
      throw new UserError(
        `agent "${agent}" was applied by an older bot-bottle`,
        "apply again to update it: deno task apply",
      );
    }
    return { bottle: record.bottle, provider: inputs.provider as AgentProvider, home: inputs };
  } finally {
    state.close();
  }
}
