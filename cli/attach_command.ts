import { isDirectory } from "../resources/bottle_home.ts";
import { readTree } from "../resources/confined_files.ts";
import { agentPaths, fillArgv, templateFor } from "../manifest/templates/mod.ts";
import { buildAttachArgv, DETACH_KEY } from "../manifest/templates/attach.ts";
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
      "use provider: claude or codex",
    );
  }
  const sessions = agentPaths(template, agent).sessionsDir.replace(/^\/home\/agent\//, "");
  const resume = options.continue === true && await hasConversation(home.home, sessions);
  if (options.continue && !resume) {
    console.error(`bottle: no earlier conversation of "${agent}"; starting a fresh one`);
  }
  if (options.continue && home.attach_argv) {
    console.error("bottle: attach_command overrides the template; --continue changes nothing");
  }
  const argv = home.attach_argv ?? (resume ? template.resumeArgv : template.attachArgv);
  const cliArgv = fillArgv(argv, { prompt_file: home.prompt_file });
  console.error(`bottle: detach with ${DETACH_KEY} (or C-b d); the session keeps running`);
  return await execCommand(bottle, buildAttachArgv(agent, cliArgv), {
    tty: true,
    cwd: "/workspace",
    envVars: home.env,
  });
}

/**
 * Whether the CLI has stored a conversation (a `*.jsonl` file) in this directory of the home
 * or below it (Codex nests them by date: `sessions/YYYY/MM/DD/rollout-*.jsonl`). The home is
 * the agent's: it is listed as the agent, in a confined sandbox, no file opened, no symlink
 * followed.
 */
export async function hasConversation(home: string, sessions: string): Promise<boolean> {
  if (!isDirectory(home)) return false;
  const tree = await readTree(home, sessions, { file: 0, total: 4 << 20 });
  return tree.kind === "tree" &&
    tree.entries.some((entry) => entry.kind === "file" && entry.path.endsWith(".jsonl"));
}
