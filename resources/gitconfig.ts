import type { ProviderContext, ResourceInstance } from "../engine/provider.ts";
import type { GitUser } from "../manifest/types.ts";
import { fileProvider } from "./file_provider.ts";

/** `gitconfig` inputs: the bottle's `~/.gitconfig` (host path) and its git identity. */
export interface GitconfigInputs {
  path: string;
  bottle: string;
  user: { name: string; email: string };
}

/** The bottle's `git_user`, completed so a commit never stops at "Please tell me who you are". */
export function gitIdentity(bottle: string, user: GitUser | undefined): GitconfigInputs["user"] {
  return {
    name: user?.name ?? `bot-bottle agent (${bottle})`,
    email: user?.email ?? `agent@${bottle}.bot-bottle.invalid`,
  };
}

/** The file's text; values are quoted so `;`, `#` and `\` mean nothing to git. */
export function renderGitconfig(inputs: GitconfigInputs): string {
  const quote = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return [
    `# Written by bot-bottle (gitconfig.${inputs.bottle}); apply puts back any edit.`,
    "[user]",
    `\tname = ${quote(inputs.user.name)}`,
    `\temail = ${quote(inputs.user.email)}`,
    "[init]",
    "\tdefaultBranch = main",
    "[safe]",
    "\tdirectory = /workspace",
    "",
  ].join("\n");
}

/** The agent's `~/.gitconfig`: its identity (an agent's own `git_user` goes in its env). */
export const gitconfigProvider = fileProvider({
  type: "gitconfig",
  what: "git config",
  render(_ctx: ProviderContext, instance: ResourceInstance): string {
    return renderGitconfig(instance.inputs as unknown as GitconfigInputs);
  },
  drift(_ctx: ProviderContext, instance: ResourceInstance, text: string): string[] {
    const expected = renderGitconfig(instance.inputs as unknown as GitconfigInputs);
    return text === expected ? [] : [`${String(instance.inputs.path)} was edited`];
  },
  afterWrite(): Promise<void> {
    return Promise.resolve();
  },
});
