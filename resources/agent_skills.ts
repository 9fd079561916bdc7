import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { bottleHome, isDirectory, removeInHome, withinHome } from "./bottle_home.ts";
import { readTree, replaceTree } from "./confined_files.ts";
import type { TreeEntry, WriteEntry } from "./confined_wire.ts";
import { copyEntries, digestTree, hostTree, treeDigest } from "./skill_tree.ts";

/** One skill as applied: the operator's directory and the digest of its content then. */
export interface SkillCopy {
  name: string;
  source: string;
  digest: string;
}

/** `agent_skills` inputs: the CLI's skills directory (host path), which the engine owns. */
export interface AgentSkillsInputs {
  dir: string;
  skills: SkillCopy[];
}

/** Describes the operator's skill directories as they are now (the digest makes edits plan). */
export function skillCopies(skills: readonly { name: string; path: string }[]): SkillCopy[] {
  return skills.map((skill) => ({
    name: skill.name,
    source: skill.path,
    digest: treeDigest(skill.path),
  }));
}

/**
 * An agent's skills, copied from the operator's directories into its CLI's skills directory.
 * The directory is owned whole: a skill the agent added or edited there is drift and is put
 * back on apply (skills are the operator's instructions, not the agent's scratch space).
 *
 * The directory is in the agent's home: it is read and written as the agent, in a confined
 * sandbox (confined_files.ts), so a symlink the agent put there is never followed.
 */
export const agentSkillsProvider: Provider = {
  type: "agent_skills",
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  async read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const { dir, skills } = inputsOf(instance);
    const home = bottleHome(ctx, instance.bottle);
    if (!isDirectory(home)) return { status: "missing", reason: `${home} does not exist` };
    const tree = await readTree(home, withinHome(home, dir));
    if (tree.kind === "missing") return { status: "missing", reason: `${dir} does not exist` };
    if (tree.kind === "not-regular") {
      return { status: "found", outputs: { dir }, drift: [`${dir} is ${tree.what}`] };
    }
    return {
      status: "found",
      outputs: { dir },
      drift: skillsDrift(skills, tree.entries, tree.problems),
    };
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create: write,
  update: write,
  async delete(ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const home = bottleHome(ctx, instance.bottle);
    await removeInHome(home, [withinHome(home, inputsOf(instance).dir)]);
  },
};

/** How the live skills directory differs from the skills as applied, in words. */
export function skillsDrift(
  skills: readonly SkillCopy[],
  entries: readonly TreeEntry[],
  problems: readonly string[],
): string[] {
  const drift = problems.map((problem) => `skills: ${problem}`);
  const top = new Map(entries.filter((e) => !e.path.includes("/")).map((e) => [e.path, e]));
  for (const skill of skills) {
    const entry = top.get(skill.name);
    if (!entry) drift.push(`skill ${skill.name} is missing`);
    else if (entry.kind !== "directory") drift.push(`skill ${skill.name} is not a directory`);
    else {
      const inside = below(entries, skill.name);
      for (const other of inside) {
        if (other.kind !== "other") continue;
        drift.push(`skill ${skill.name}: ${JSON.stringify(other.path)} is ${other.what}`);
      }
      if (digestTree(inside) !== skill.digest) drift.push(`skill ${skill.name} was edited`);
    }
  }
  for (const name of top.keys()) {
    if (!skills.some((skill) => skill.name === name)) {
      drift.push(`${JSON.stringify(name)} is not a declared skill`);
    }
  }
  return drift;
}

/** The entries below `name`, relative to it. */
function below(entries: readonly TreeEntry[], name: string): TreeEntry[] {
  const prefix = `${name}/`;
  return entries.filter((entry) => entry.path.startsWith(prefix))
    .map((entry) => ({ ...entry, path: entry.path.slice(prefix.length) }));
}

/** Builds the whole directory beside the live one and swaps it in. */
async function write(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const { dir, skills } = inputsOf(instance);
  const entries: WriteEntry[] = [];
  for (const skill of skills) {
    const tree = hostTree(skill.source);
    if (digestTree(tree) !== skill.digest) {
      throw new Error(
        `skill ${skill.name} (${skill.source}) changed since the plan was made; plan again`,
      );
    }
    entries.push(
      { path: skill.name, kind: "directory", mode: 0o755 },
      ...copyEntries(tree, skill.name),
    );
  }
  const home = bottleHome(ctx, instance.bottle);
  await replaceTree(home, withinHome(home, dir), entries);
  return { dir };
}

function inputsOf(instance: ResourceInstance): AgentSkillsInputs {
  return instance.inputs as unknown as AgentSkillsInputs;
}
