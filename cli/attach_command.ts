import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promptPathInside, templateFor } from "../manifest/templates/mod.ts";
import { buildAttachArgv, buildCliArgv, DETACH_KEY } from "../manifest/templates/attach.ts";
import { findAgent } from "./agents.ts";
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
  const { bottle, provider, home } = findAgent(agent);
  const template = templateFor(provider);
  if (!template) {
    throw new UserError(
      `agent "${agent}" uses provider ${provider}, which cannot be attached to yet`,
      "use provider: claude",
    );
  }
  const resume = options.continue === true &&
    hasConversation(join(home.home, template.sessionsDir));
  if (options.continue && !resume) {
    console.error(`bottle: no earlier conversation of "${agent}"; starting a fresh one`);
  }
  const cliArgv = buildCliArgv(home.attach_argv ?? template.attachArgv, {
    prompt_file: promptPathInside(agent),
    continueArgs: resume ? template.continueArgs : [],
  });
  console.error(`bottle: detach with ${DETACH_KEY} (or C-b d); the session keeps running`);
  return await execCommand(bottle, buildAttachArgv(agent, cliArgv), {
    tty: true,
    cwd: "/workspace",
  });
}

/** Whether the CLI has stored a conversation (a `*.jsonl` file) in this host directory. */
export function hasConversation(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((name) => name.endsWith(".jsonl"));
}
