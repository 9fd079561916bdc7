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

/** `agent_home` inputs: an agent's files in its bottle's HOME (a host directory). */
export interface AgentHomeInputs {
  agent: string;
  provider: string;
  /** Host directory mapped at `/home/agent`. */
  home: string;
  /** The prompt's path relative to `home`. */
  prompt_path: string;
  prompt: string;
  /** Claude Code: keys merged into `~/.claude.json` so it never prompts; null otherwise. */
  claude_json: JsonObject | null;
  /** The manifest's `attach_command`, when it overrides the template's; absent otherwise. */
  attach_argv?: string[];
}

/**
 * What `~/.claude.json` needs so Claude Code never stops to ask (docs/agents-spike.md):
 * onboarding done, `/workspace` trusted, the placeholder key approved (by its last 20 chars).
 */
export function claudeJsonSeed(placeholder: string | undefined): JsonObject {
  return {
    hasCompletedOnboarding: true,
    projects: { "/workspace": { hasTrustDialogAccepted: true } },
    customApiKeyResponses: {
      approved: placeholder ? [placeholder.slice(-20)] : [],
      rejected: [],
    },
  };
}

/** Merges the seed into what Claude Code wrote (it rewrites the file and adds its own keys). */
export function mergeClaudeJson(live: JsonObject, seed: JsonObject): JsonObject {
  const merged: JsonObject = { ...live };
  for (const [key, value] of Object.entries(seed)) {
    const current = live[key];
    merged[key] = isObject(current) && isObject(value) ? mergeClaudeJson(current, value) : value;
  }
  return merged;
}

/** Which seeded keys the live file lacks, in words ([] when every one is there). */
export function claudeJsonDrift(live: JsonObject, seed: JsonObject, path = ""): string[] {
  const drift: string[] = [];
  for (const [key, value] of Object.entries(seed)) {
    const current = live[key];
    if (isObject(value) && isObject(current)) {
      drift.push(...claudeJsonDrift(current, value, `${path}${key}.`));
    } else if (JSON.stringify(current) !== JSON.stringify(value)) {
      drift.push(`~/.claude.json: ${path}${key} differs`);
    }
  }
  return drift;
}

/** An agent's prompt file and provider config in its HOME; the config is merged, not owned. */
export const agentHomeProvider: Provider = {
  type: "agent_home",
  replaceKeys: ["home", "agent"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const inputs = inputsOf(instance);
    const promptFile = join(inputs.home, inputs.prompt_path);
    if (!existsSync(promptFile)) {
      return Promise.resolve({ status: "missing", reason: `${promptFile} does not exist` });
    }
    const drift = readFileSync(promptFile, "utf8") === inputs.prompt
      ? []
      : [`${promptFile} was edited`];
    if (inputs.claude_json) {
      const live = readJson(join(inputs.home, ".claude.json"));
      drift.push(
        ...(live ? claudeJsonDrift(live, inputs.claude_json) : ["~/.claude.json is missing"]),
      );
    }
    return Promise.resolve({ status: "found", outputs: { prompt: promptFile }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create: write,
  update: write,
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const inputs = inputsOf(instance);
    rmSync(dirname(join(inputs.home, inputs.prompt_path)), { recursive: true, force: true });
    return Promise.resolve();
  },
};

function write(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  const inputs = inputsOf(instance);
  const promptFile = join(inputs.home, inputs.prompt_path);
  mkdirSync(dirname(promptFile), { recursive: true, mode: 0o700 });
  atomicWrite(promptFile, inputs.prompt);
  if (inputs.claude_json) {
    const file = join(inputs.home, ".claude.json");
    const merged = mergeClaudeJson(readJson(file) ?? {}, inputs.claude_json);
    atomicWrite(file, `${JSON.stringify(merged, null, 2)}\n`);
  }
  return Promise.resolve({ prompt: promptFile });
}

function atomicWrite(path: string, text: string): void {
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

function inputsOf(instance: ResourceInstance): AgentHomeInputs {
  return instance.inputs as unknown as AgentHomeInputs;
}
