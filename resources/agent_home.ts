import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { jsonNesting, type JsonObject, type JsonValue } from "../lib/json.ts";
import type { ResourceNode } from "../engine/graph.ts";
import { jsonObjectSchema } from "../engine/json_data.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import { PROVIDERS } from "../manifest/schema.ts";
import { agentConfig, gitIdentityEnv } from "./agent_config.ts";
import type { AgentManifest } from "../manifest/types.ts";
import { agentPaths, type ProviderTemplate } from "../manifest/templates/mod.ts";
import type { AgentContext, BottleContext } from "./bottle_context.ts";
import { isDirectory, removeInHome } from "./bottle_home.ts";
import { readFiles, writeFiles } from "./confined_files.ts";
import type { FileRead, WriteEntry } from "./confined_wire.ts";
import { superviseUrl } from "../sidecars/supervise/wire.ts";

/** `agent_home` inputs: one agent's own directory in its bottle's HOME (a host directory). */
export const agentHomeInputsSchema = z.object({
  agent: z.string(),
  provider: z.enum(PROVIDERS),
  /** Host directory mapped at `/home/agent`. */
  home: z.string(),
  /** The agent's directory, relative to `home` (`.bot-bottle/agents/<agent>`). */
  dir: z.string(),
  /** Files the engine owns whole, relative to `dir`: the prompt, owned CLI config. */
  files: z.record(z.string(), z.string()),
  /** JSON files the CLI also writes, relative to `dir`: these keys are merged in. */
  json_seeds: z.record(z.string(), jsonObjectSchema),
  /** The prompt's path inside the sandbox (`{prompt_file}`). */
  prompt_file: z.string(),
  /** Added to the environment of `bottle run` / `bottle attach` (config dir, git identity). */
  env: z.record(z.string(), z.string()),
  /** The manifest's `attach_command`, when it overrides the template's; absent otherwise. */
  attach_argv: z.array(z.string()).optional(),
  /** The manifest's `run_command`, when it overrides the template's; absent otherwise. */
  run_argv: z.array(z.string()).optional(),
});
export type AgentHomeInputs = z.infer<typeof agentHomeInputsSchema>;

const outputs = z.object({ dir: z.string() });
type AgentHomeOutputs = z.infer<typeof outputs>;

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

/**
 * An agent's prompt and CLI config in its HOME; seeded JSON is merged, other files owned.
 * The HOME is the agent's: everything here is read and written as the agent, in a confined
 * sandbox (confined_files.ts), so a symlink it planted (at a file, its `.tmp`, or a directory
 * above) is never followed: it is drift, replaced on apply. A merged file that is not a
 * regular file (a symlink, a FIFO) is never taken as content: it is replaced by the seed.
 */
export const agentHomeProvider = defineResource({
  type: "agent_home",
  inputs: agentHomeInputsSchema,
  outputs,
  replaceKeys: ["home", "agent", "dir"],
  repairsDriftInPlace: true,
  upgrade: fromPromptPath,
  async read(_ctx, instance): Promise<Observation<AgentHomeOutputs>> {
    const inputs = instance.inputs;
    const root = join(inputs.home, inputs.dir);
    if (!isDirectory(inputs.home)) {
      return { status: "missing", reason: `${inputs.home} does not exist` };
    }
    const files = Object.keys(inputs.files);
    const seeds = Object.keys(inputs.json_seeds);
    const live = await readFiles(inputs.home, [
      inputs.dir,
      ...[...files, ...seeds].map(under(inputs)),
    ]);
    const top = live.get(inputs.dir);
    if (top?.kind === "missing") return { status: "missing", reason: `${root} does not exist` };
    const drift = top?.kind === "directory" ? [] : [`${root} is ${describe(top)}`];
    for (const relative of files) {
      const file = live.get(under(inputs)(relative));
      const text = inputs.files[relative];
      if (file?.kind !== "file") drift.push(`${join(root, relative)} is ${describe(file)}`);
      else if (new TextDecoder().decode(file.bytes) !== text) {
        drift.push(`${join(root, relative)} was edited`);
      }
    }
    for (const relative of seeds) {
      const file = live.get(under(inputs)(relative));
      const json = file?.kind === "file" ? parseObject(file.bytes) : null;
      if (json) drift.push(...seedDrift(relative, json, inputs.json_seeds[relative]));
      else if (file?.kind === "file") drift.push(`${relative} is not a JSON object`);
      else drift.push(`${relative} is ${describe(file)}`);
    }
    return { status: "found", outputs: { dir: root }, drift };
  },
  create: (_ctx, instance) => write(instance.inputs),
  update: (_ctx, instance) => write(instance.inputs),
  async delete(_ctx, instance): Promise<void> {
    const { home, dir } = instance.inputs;
    await removeInHome(home, [dir]);
  },
});

export function agentHomeNodes(
  bottle: BottleContext,
  { agent, template }: AgentContext,
): ResourceNode[] {
  return [agentHomeProvider.node({
    id: `agent_home.${bottle.name}.${agent.name}`,
    bottle: bottle.name,
    inputs: agentHomeInputs(template, withSupervise(bottle, agent), {
      home: bottle.paths.homeDir,
      placeholder: bottle.env[template.keyEnv],
    }),
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}

async function write(inputs: AgentHomeInputs): Promise<AgentHomeOutputs> {
  const path = under(inputs);
  const seeds = Object.entries(inputs.json_seeds);
  const live = await readFiles(inputs.home, seeds.map(([relative]) => path(relative)));
  const encoder = new TextEncoder();
  const entries: WriteEntry[] = [
    { path: inputs.dir, kind: "directory", mode: 0o700 },
    ...Object.entries(inputs.files).map(([relative, text]): WriteEntry => ({
      path: path(relative),
      kind: "file",
      mode: 0o600,
      bytes: encoder.encode(text),
    })),
    ...seeds.map(([relative, seed]): WriteEntry => {
      const file = live.get(path(relative));
      const base = file?.kind === "file" ? parseObject(file.bytes) ?? {} : {};
      return {
        path: path(relative),
        kind: "file",
        mode: 0o600,
        bytes: encoder.encode(`${JSON.stringify(mergeSeed(base, seed), null, 2)}\n`),
      };
    }),
  ];
  await writeFiles(inputs.home, entries);
  return { dir: join(inputs.home, inputs.dir) };
}

/** A path relative to the agent's directory, as a path relative to the home. */
function under(inputs: AgentHomeInputs): (relative: string) => string {
  return (relative) => `${inputs.dir}/${relative}`;
}

function describe(file: FileRead | undefined): string {
  if (!file || file.kind === "missing") return "missing";
  if (file.kind === "directory") return "a directory";
  if (file.kind === "file") return "a file";
  return file.what;
}

/** Nesting beyond this makes a file the agent wrote unusable: it is replaced by the seed. */
const MAX_NESTING = 256;

function parseObject(bytes: Uint8Array): JsonObject | null {
  const text = new TextDecoder().decode(bytes);
  if (jsonNesting(text, MAX_NESTING) > MAX_NESTING) return null;
  try {
    const value: JsonValue = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Rows from before per-agent directories (all claude: codex came with them) held the
 * prompt's path, its text and a `~/.claude.json` seed: they become the agent's directory
 * holding that prompt, so read sees what is there and delete removes that directory.
 */
function fromPromptPath(recorded: JsonObject): JsonObject {
  const { prompt_path: promptPath, prompt, claude_json: _seed, ...rest } = recorded;
  if (recorded.dir !== undefined || typeof promptPath !== "string") return recorded;
  return {
    provider: "claude",
    ...rest,
    dir: dirname(promptPath),
    files: { [basename(promptPath)]: typeof prompt === "string" ? prompt : "" },
    json_seeds: {},
    prompt_file: `/home/agent/${promptPath}`,
    env: {},
  };
}

/** The `agent_home` inputs of one agent: its prompt, CLI config and per-agent environment. */
/**
 * The agent with the bottle's supervise MCP server registered as `supervise` (user scope),
 * when the bottle enables it. Codex waits 60 s for a tool call by default: it is told to wait
 * longer than the server holds a call open.
 */
function withSupervise(bottle: BottleContext, agent: AgentManifest): AgentManifest {
  const { supervise } = bottle.manifest;
  if (!supervise.enabled) return agent;
  const server = {
    url: superviseUrl(agent.name),
    tool_timeout_sec: supervise.wait_seconds + SUPERVISE_TIMEOUT_MARGIN_SECONDS,
  };
  return { ...agent, mcpServers: { ...agent.mcpServers, supervise: server } };
}

const SUPERVISE_TIMEOUT_MARGIN_SECONDS = 30;

function agentHomeInputs(
  template: ProviderTemplate,
  agent: AgentManifest,
  options: { home: string; placeholder: string | undefined },
): AgentHomeInputs {
  const paths = agentPaths(template, agent.name);
  const config = agentConfig(template, agent, options.placeholder);
  return {
    agent: agent.name,
    provider: agent.provider,
    home: options.home,
    dir: paths.dir.replace(/^\/home\/agent\//, ""),
    files: { [template.promptFile]: agent.prompt, ...config.files },
    json_seeds: config.json_seeds,
    prompt_file: paths.promptFile,
    env: { [template.configDir.env]: paths.configDir, ...gitIdentityEnv(agent.gitUser) },
    ...(agent.attachCommand ? { attach_argv: agent.attachCommand } : {}),
    ...(agent.runCommand ? { run_argv: agent.runCommand } : {}),
  };
}
