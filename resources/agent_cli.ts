import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import type { ProviderTemplate } from "../manifest/templates/mod.ts";
import { directorySize, startProgress } from "../lib/progress.ts";
import { runOutput, type RunResult } from "../lib/command.ts";
import type { BottleContext } from "./bottle_context.ts";

/** `agent_cli` inputs: one npm package at one version, installed into `dir`. */
export const agentCliInputsSchema = z.object({
  package: z.string(),
  version: z.string(),
  /** `<cache>/<name>@<version>`: shared by every bottle; never deleted by the engine. */
  dir: z.string(),
  /** The entry point, relative to `dir`. */
  binary: z.string(),
});
export type AgentCliInputs = z.infer<typeof agentCliInputsSchema>;

const outputs = z.object({ dir: z.string() });
type AgentCliOutputs = z.infer<typeof outputs>;

/** The operator's cache: `$BOT_BOTTLE_CACHE_DIR`, else `$XDG_CACHE_HOME/bot-bottle`. */
export function resolveCacheDir(env: Record<string, string | undefined>): string {
  if (env.BOT_BOTTLE_CACHE_DIR) return env.BOT_BOTTLE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME ?? "", ".cache");
  return join(base, "bot-bottle");
}

/**
 * An agent CLI installed once per version into the shared cache, then mapped read-only into
 * sandboxes. The install goes to a scratch directory renamed into place, so a crash or a
 * concurrent install never leaves a half-installed version that looks complete.
 */
export const agentCliProvider = defineResource({
  type: "agent_cli",
  inputs: agentCliInputsSchema,
  outputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read(_ctx, instance): Promise<Observation<AgentCliOutputs>> {
    const inputs = instance.inputs;
    const binary = join(inputs.dir, inputs.binary);
    if (!existsSync(binary)) {
      return Promise.resolve({ status: "missing", reason: `${binary} does not exist` });
    }
    return Promise.resolve({ status: "found", outputs: { dir: inputs.dir }, drift: [] });
  },
  async create(ctx, instance): Promise<AgentCliOutputs> {
    const inputs = instance.inputs;
    if (existsSync(join(inputs.dir, inputs.binary))) return { dir: inputs.dir };
    const scratch = `${inputs.dir}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await npmInstall(ctx, scratch, `${inputs.package}@${inputs.version}`);
      if (!existsSync(join(scratch, inputs.binary))) {
        throw new Error(
          `npm installed ${inputs.package}@${inputs.version} without ${inputs.binary}`,
        );
      }
      // Another install may have finished meanwhile: keep it (it may be in use).
      if (!existsSync(join(inputs.dir, inputs.binary))) {
        rmSync(inputs.dir, { recursive: true, force: true });
        renameSync(scratch, inputs.dir);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return { dir: inputs.dir };
  },
  delete(): Promise<void> {
    // The cache is shared by bottles and projects: it stays.
    return Promise.resolve();
  },
});

/** One install per provider among the bottle's agents. */
export function agentCliNodes(bottle: BottleContext): ResourceNode[] {
  return bottle.templates.map((template) =>
    agentCliProvider.node({
      id: agentCliId(bottle.name, template),
      bottle: bottle.name,
      inputs: agentCliInputs(template, bottle.options.cacheDir),
      dependsOn: [],
    })
  );
}

export function agentCliId(bottle: string, template: ProviderTemplate): string {
  return `agent_cli.${bottle}.${template.provider}`;
}

/** Where a template's CLI is installed in the cache, and what it runs. */
export function agentCliInputs(template: ProviderTemplate, cacheDir: string): AgentCliInputs {
  const { package: pkg, version } = template.npm;
  return {
    package: pkg,
    version,
    dir: join(cacheDir, `${template.cacheName}@${version}`),
    binary: template.binary,
  };
}

async function npmInstall(ctx: ProviderContext, prefix: string, spec: string): Promise<void> {
  const progress = startProgress({
    label: `installing ${spec} (first use; once per version)`,
    measure: () => directorySize(prefix),
  });
  try {
    await runNpmInstall(ctx, prefix, spec);
    progress.stop("installed");
  } catch (error) {
    progress.stop("failed");
    throw error;
  }
}

async function runNpmInstall(ctx: ProviderContext, prefix: string, spec: string): Promise<void> {
  let result: RunResult;
  try {
    result = await runOutput(
      "npm",
      ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", spec],
      { env: ctx.env, clearEnv: true },
    );
  } catch (error) {
    throw new Error(`cannot run npm to install ${spec}: ${(error as Error).message}`);
  }
  if (result.code !== 0) {
    const stderr = result.stderr.trim().split("\n").slice(-10);
    throw new Error(`npm install ${spec} failed (exit ${result.code}):\n${stderr.join("\n")}`);
  }
}
