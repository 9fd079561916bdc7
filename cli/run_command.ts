import { fillArgv, templateFor } from "../manifest/templates/mod.ts";
import { findAgent } from "./agents.ts";
import { UserError } from "./errors.ts";
import { execCommand } from "./exec_command.ts";

export interface RunCommandOptions {
  prompt: string;
}

/** `bottle run AGENT -p "…"`: one unattended turn of the agent in its bottle; its status. */
export async function runCommand(agent: string, options: RunCommandOptions): Promise<number> {
  const { bottle, provider, home } = findAgent(agent);
  const template = templateFor(provider);
  if (!template) {
    throw new UserError(
      `agent "${agent}" uses provider ${provider}, which has no template`,
      "use provider: claude or codex",
    );
  }
  const argv = fillArgv(home.run_argv ?? template.runArgv, {
    prompt: options.prompt,
    prompt_file: home.prompt_file,
  });
  return await execCommand(bottle, argv, { tty: false, cwd: "/workspace", envVars: home.env });
}
