import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { JsonObject, JsonValue } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";

/** `agent_home` inputs: one agent's own directory in its bottle's HOME (a host directory). */
export interface AgentHomeInputs {
  agent: string;
  provider: string;
  /** Host directory mapped at `/home/agent`. */
  home: string;
  /** The agent's directory, relative to `home` (`.bot-bottle/agents/<agent>`). */
  dir: string;
  /** Files the engine owns whole, relative to `dir`: the prompt, owned CLI config. */
  files: Record<string, string>;
  /** JSON files the CLI also writes, relative to `dir`: these keys are merged in. */
  json_seeds: Record<string, JsonObject>;
  /** The prompt's path inside the sandbox (`{prompt_file}`). */
  prompt_file: string;
  /** Added to the environment of `bottle run` / `bottle attach` (config dir, git identity). */
  env: Record<string, string>;
  /** The manifest's `attach_command`, when it overrides the template's; absent otherwise. */
  attach_argv?: string[];
  /** The manifest's `run_command`, when it overrides the template's; absent otherwise. */
  run_argv?: string[];
}

/** Seed keys whose value the engine owns whole (replaced, not merged, on every apply). */
const OWNED_KEYS = new Set(["mcpServers"]);

/** Merges the seed into what the CLI wrote (it rewrites the file and adds its own keys). */
export function mergeSeed(live: JsonObject, seed: JsonObject): JsonObject {
  const merged: JsonObject = { ...live };
  for (const [key, value] of Object.entries(seed)) {
    const current = live[key];
    merged[key] = !OWNED_KEYS.has(key) && isObject(current) && isObject(value)
      ? mergeSeed(current, value)
      : value;
  }
  return merged;
}

/** Which seeded keys the live file lacks or changed, in words ([] when every one is there). */
export function seedDrift(file: string, live: JsonObject, seed: JsonObject, path = ""): string[] {
  const drift: string[] = [];
  for (const [key, value] of Object.entries(seed)) {
    const current = live[key];
    if (!OWNED_KEYS.has(key) && isObject(value) && isObject(current)) {
      drift.push(...seedDrift(file, current, value, `${path}${key}.`));
    } else if (JSON.stringify(current) !== JSON.stringify(value)) {
      drift.push(`${file}: ${path}${key} differs`);
    }
  }
  return drift;
}

/** An agent's prompt and CLI config in its HOME; seeded JSON is merged, other files owned. */
export const agentHomeProvider: Provider = {
  type: "agent_home",
  replaceKeys: ["home", "agent", "dir"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const inputs = inputsOf(instance);
    const root = join(inputs.home, inputs.dir);
    if (!existsSync(root)) {
      return Promise.resolve({ status: "missing", reason: `${root} does not exist` });
    }
    const drift: string[] = [];
    for (const [relative, text] of Object.entries(inputs.files)) {
      const file = join(root, relative);
      if (!existsSync(file)) drift.push(`${file} is missing`);
      else if (readFileSync(file, "utf8") !== text) drift.push(`${file} was edited`);
    }
    for (const [relative, seed] of Object.entries(inputs.json_seeds)) {
      const live = readJson(join(root, relative));
      drift.push(...(live ? seedDrift(relative, live, seed) : [`${relative} is missing`]));
    }
    return Promise.resolve({ status: "found", outputs: { dir: root }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create: write,
  update: write,
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const inputs = inputsOf(instance);
    rmSync(join(inputs.home, agentDirOf(instance)), { recursive: true, force: true });
    return Promise.resolve();
  },
};

function write(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const inputs = inputsOf(instance);
  const root = join(inputs.home, inputs.dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const [relative, text] of Object.entries(inputs.files)) {
    atomicWrite(join(root, relative), text);
  }
  for (const [relative, seed] of Object.entries(inputs.json_seeds)) {
    const file = join(root, relative);
    const merged = mergeSeed(readJson(file) ?? {}, seed);
    atomicWrite(file, `${JSON.stringify(merged, null, 2)}\n`);
  }
  return Promise.resolve({ dir: root });
}

function atomicWrite(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

function readJson(path: string): JsonObject | null {
  try {
    const value: JsonValue = JSON.parse(readFileSync(path, "utf8"));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The agent's directory; records written before `dir` existed held only the prompt's path. */
function agentDirOf(instance: ResourceInstance): string {
  const { dir, prompt_path: promptPath } = instance.inputs;
  if (typeof dir === "string") return dir;
  if (typeof promptPath === "string") return dirname(promptPath);
  throw new Error("agent_home record has neither `dir` nor `prompt_path`");
}

function inputsOf(instance: ResourceInstance): AgentHomeInputs {
  return instance.inputs as unknown as AgentHomeInputs;
}
