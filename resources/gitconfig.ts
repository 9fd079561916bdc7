import { basename, dirname } from "node:path";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import type { GitUser } from "../manifest/types.ts";
import { policySha256 } from "../sidecars/egress/mod.ts";
import { isDirectory, removeInHome } from "./bottle_home.ts";
import { readFiles, writeFiles } from "./confined_files.ts";

/**
 * `gitconfig` inputs: the bottle's `~/.gitconfig` (host path, directly in the bottle's home)
 * and its git identity.
 */
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

/**
 * The agent's `~/.gitconfig`: its identity (an agent's own `git_user` goes in its env). It is in
 * the agent's home, so it is read and written as the agent, in a confined sandbox
 * (confined_files.ts): a symlink the agent put at it (or at its `.tmp`) is drift, replaced,
 * never followed. Mode 0600; a loosened mode or an edit behind the engine's back is drift.
 */
export const gitconfigProvider: Provider = {
  type: "gitconfig",
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  async read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const { path } = inputsOf(instance);
    const home = dirname(path);
    if (!isDirectory(home)) return { status: "missing", reason: `${home} does not exist` };
    const live = (await readFiles(home, [basename(path)])).get(basename(path));
    if (!live || live.kind === "missing") {
      return { status: "missing", reason: `git config ${path} does not exist` };
    }
    if (live.kind !== "file") {
      const what = live.kind === "directory" ? "a directory" : live.what;
      return { status: "found", outputs: { sha256: "" }, drift: [`${path} is ${what}`] };
    }
    const text = new TextDecoder().decode(live.bytes);
    const drift = (live.mode & 0o077) !== 0 ? [`${path} is readable by others`] : [];
    if (text !== renderGitconfig(inputsOf(instance))) drift.push(`${path} was edited`);
    return { status: "found", outputs: { sha256: policySha256(text) }, drift };
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create: write,
  update: write,
  async delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const { path } = inputsOf(instance);
    await removeInHome(dirname(path), [basename(path)]);
  },
};

async function write(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const inputs = inputsOf(instance);
  const text = renderGitconfig(inputs);
  await writeFiles(dirname(inputs.path), [{
    path: basename(inputs.path),
    kind: "file",
    mode: 0o600,
    bytes: new TextEncoder().encode(text),
  }]);
  return { sha256: policySha256(text) };
}

function inputsOf(instance: ResourceInstance): GitconfigInputs {
  return instance.inputs as unknown as GitconfigInputs;
}
