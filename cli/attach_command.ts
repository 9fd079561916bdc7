import { findAgent, hasConversation } from "../app/agents.ts";
import { agentPaths, fillArgv } from "../manifest/templates/mod.ts";
import { buildAttachArgv, DETACH_KEY } from "../manifest/templates/attach.ts";
import { UserError } from "./errors.ts";
import { execCommand } from "./exec_command.ts";

export interface AttachCommandOptions {
  continue?: boolean;
}

/**
 * `bottle attach AGENT [--continue]`: the agent's interactive session in a tmux session inside
 * its bottle, created on first attach and re-attached afterwards; detaching leaves it running.
 */
export async function attachCommand(
  agent: string,
  options: AttachCommandOptions,
): Promise<number> {
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    throw new UserError(
      "bottle attach needs a terminal (stdin and stdout)",
      `for one unattended turn use: bottle run ${agent} -p "…"`,
    );
  }
  const applied = findAgent(agent);
  const template = applied.template;
  if (!template) {
    throw new UserError(
      `agent "${agent}" uses provider ${applied.provider}, which cannot be attached to yet`,
      "use provider: claude or codex",
    );
  }
  const sessions = agentPaths(template, agent).sessionsDir.replace(/^\/home\/agent\//, "");
  const resume = options.continue === true && await hasConversation(applied.home, sessions);
  if (options.continue && !resume) {
    console.error(`bottle: no earlier conversation of "${agent}"; starting a fresh one`);
  }
  if (options.continue && applied.attachArgv) {
    console.error("bottle: attach_command overrides the template; --continue changes nothing");
  }
  const argv = applied.attachArgv ?? (resume ? template.resumeArgv : template.attachArgv);
  const cliArgv = fillArgv(argv, { prompt_file: applied.promptFile });
  console.error(`bottle: detach with ${DETACH_KEY} (or C-b d); the session keeps running`);
  return await execCommand(applied.bottle, buildAttachArgv(agent, cliArgv), {
    tty: true,
    cwd: "/workspace",
    envVars: applied.env,
  });
}
