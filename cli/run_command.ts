import { buildRunArgv, promptPathInside, templateFor } from "../manifest/templates/mod.ts";
import { findAgent } from "./agents.ts";
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
