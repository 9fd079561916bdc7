import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { copyTree, treeDigest } from "./skill_tree.ts";

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
 */
export const agentSkillsProvider: Provider = {
  type: "agent_skills",
  replaceKeys: ["dir"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const { dir, skills } = inputsOf(instance);
    if (!existsSync(dir)) {
      return Promise.resolve({ status: "missing", reason: `${dir} does not exist` });
    }
    const drift: string[] = [];
    const live = readdirSync(dir).sort();
    for (const skill of skills) {
      if (!live.includes(skill.name)) drift.push(`skill ${skill.name} is missing`);
      else if (treeDigest(join(dir, skill.name)) !== skill.digest) {
        drift.push(`skill ${skill.name} was edited`);
      }
    }
    for (const name of live) {
      if (!skills.some((skill) => skill.name === name)) {
        drift.push(`${name} is not a declared skill`);
      }
    }
    return Promise.resolve({ status: "found", outputs: { dir }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create: write,
  update: write,
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(inputsOf(instance).dir, { recursive: true, force: true });
    return Promise.resolve();
  },
};

/** Builds the whole directory beside the live one and swaps it in. */
function write(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const { dir, skills } = inputsOf(instance);
  const scratch = `${dir}.tmp-${Deno.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  try {
    for (const skill of skills) {
      if (treeDigest(skill.source) !== skill.digest) {
        throw new Error(
          `skill ${skill.name} (${skill.source}) changed since the plan was made; plan again`,
        );
      }
      copyTree(skill.source, join(scratch, skill.name));
    }
    mkdirSync(scratch, { recursive: true, mode: 0o755 });
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return Promise.resolve({ dir });
}

function inputsOf(instance: ResourceInstance): AgentSkillsInputs {
  return instance.inputs as unknown as AgentSkillsInputs;
}
