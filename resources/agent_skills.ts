import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import { agentPaths } from "../manifest/templates/mod.ts";
import type { AgentContext, BottleContext } from "./bottle_context.ts";
import { bottleHome, isDirectory, removeInHome, withinHome } from "./bottle_home.ts";
import { readTree, replaceTree } from "./confined_files.ts";
import type { TreeEntry, WriteEntry } from "./confined_wire.ts";
import { copyEntries, digestTree, hostTree, treeDigest } from "./skill_tree.ts";

/** One skill as applied: the operator's directory and the digest of its content then. */
const skillCopy = z.object({ name: z.string(), source: z.string(), digest: z.string() });
export type SkillCopy = z.infer<typeof skillCopy>;

/** `agent_skills` inputs: the CLI's skills directory (host path), which the engine owns. */
export const agentSkillsInputs = z.object({ dir: z.string(), skills: z.array(skillCopy) });
export type AgentSkillsInputs = z.infer<typeof agentSkillsInputs>;

const outputs = z.object({ dir: z.string() });
type SkillsOutputs = z.infer<typeof outputs>;
type SkillsInstance = Instance<AgentSkillsInputs, SkillsOutputs>;

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
export const agentSkillsProvider = defineResource({
  type: "agent_skills",
  inputs: agentSkillsInputs,
  outputs,
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  async read(ctx, instance): Promise<Observation<SkillsOutputs>> {
    const { dir, skills } = instance.inputs;
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
  create: write,
  update: write,
  async delete(ctx, instance): Promise<void> {
    const home = bottleHome(ctx, instance.bottle);
    await removeInHome(home, [withinHome(home, instance.inputs.dir)]);
  },
});

/** Where the /home/agent/ prefix of paths inside ends. */
const HOME_PREFIX = "/home/agent/".length;

/** The agent's skills, when it has any, copied into its CLI's skills directory. */
export function agentSkillsNodes(
  bottle: BottleContext,
  { agent, template }: AgentContext,
): ResourceNode[] {
  if (agent.skills.length === 0) return [];
  const homeId = `agent_home.${bottle.name}.${agent.name}`;
  const skillsDir = agentPaths(template, agent.name).skillsDir.slice(HOME_PREFIX);
  return [agentSkillsProvider.node({
    id: `agent_skills.${bottle.name}.${agent.name}`,
    bottle: bottle.name,
    inputs: { dir: join(bottle.paths.homeDir, skillsDir), skills: skillCopies(agent.skills) },
    dependsOn: [homeId],
    replaceWith: [homeId],
  })];
}

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
async function write(ctx: ProviderContext, instance: SkillsInstance): Promise<SkillsOutputs> {
  const { dir, skills } = instance.inputs;
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
