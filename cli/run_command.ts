import { findAgent } from "../app/agents.ts";
import { fillArgv } from "../manifest/templates/mod.ts";
import { UserError } from "./errors.ts";
import { execCommand } from "./exec_command.ts";

export interface RunCommandOptions {
  prompt: string;
}

/** `bottle run AGENT -p "…"`: one unattended turn of the agent in its bottle; its status. */
export async function runCommand(agent: string, options: RunCommandOptions): Promise<number> {
  const applied = findAgent(agent);
  const template = applied.template;
  if (!template) {
    throw new UserError(
      `agent "${agent}" uses provider ${applied.provider}, which has no template`,
      "use provider: claude or codex",
    );
  }
  const argv = fillArgv(applied.runArgv ?? template.runArgv, {
    prompt: options.prompt,
    prompt_file: applied.promptFile,
  });
  return await execCommand(applied.bottle, argv, {
    tty: false,
    cwd: "/workspace",
    envVars: applied.env,
  });
}
