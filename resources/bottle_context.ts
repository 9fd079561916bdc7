/**
 * What every part of a bottle's graph is built from: the bottle as its agents need it, its
 * paths under the state directory, and the facts several parts share (its secrets and the
 * environment inside). Built once per bottle by compile.ts, read by each resource's builder.
 */

import { join } from "node:path";
import type { ResourceNode } from "../engine/graph.ts";
import { bottleDir } from "../engine/state_dir.ts";
import type { AgentManifest, BottleManifest } from "../manifest/types.ts";
import type { ProviderTemplate } from "../manifest/templates/mod.ts";
import type { SuperviseGrant } from "../sidecars/supervise/queue.ts";
import { templatesOf, withTemplates } from "./agent_templates.ts";
import {
  type DescribeSecret,
  type FingerprintSecret,
  type HostKeys,
  placeholderEnv,
  type SecretBinding,
  secretBindings,
} from "./secret_bindings.ts";

export interface CompileOptions {
  stateDir: string;
  /** The project's key in state (the manifest directory's real path); requests carry it. */
  project: string;
  /** The operator's home, for `~/` in paths the sidecars read. */
  home: string;
  /** Where agent CLIs are installed once per version (see resolveCacheDir). */
  cacheDir: string;
  /** Placeholder and fingerprint for a route's secret (reads the operator's secret). */
  describeSecret: DescribeSecret;
  /**
   * The keyed fingerprint of a git upstream's credential (reads the operator's key or
   * token); `label` names it in messages, e.g. `git upstream app`.
   */
  fingerprintSecret: FingerprintSecret;
  /**
   * The operator's known_hosts lines for an SSH upstream's `host` (`[host]:port` off port 22);
   * throws, naming the manifest, when there are none (the gate never trusts on first use).
   */
  hostKeys: HostKeys;
  /** Seeds the workspace of bottles without `workspace:` (`--cwd`); checked already. */
  workspaceSource?: string;
  /** The project's live supervise grants, layered over the manifests (supervise_grants.ts). */
  grants?: readonly SuperviseGrant[];
}

/** Where a bottle's parts live on the host, all under its directory in the state dir. */
export interface BottlePaths {
  dir: string;
  runDir: string;
  policyFile: string;
  caDir: string;
  trustDir: string;
  logDir: string;
  secretsFile: string;
  workspaceDir: string;
  homeDir: string;
  backendDir: string;
  /** The git gate's own directory (mirrors, credentials, policy); never mapped into the sandbox. */
  gateDir: string;
}

export interface BottleContext {
  name: string;
  /** The bottle with its agents' templates applied (see agent_templates.ts). */
  manifest: BottleManifest;
  options: CompileOptions;
  /** The bottle's agents, in manifest order. */
  agents: readonly AgentManifest[];
  /** One template per provider among the bottle's agents, in a stable order. */
  templates: readonly ProviderTemplate[];
  paths: BottlePaths;
  /** The id of the bottle's one resource of `type`, e.g. `door.dev`. */
  id(type: string): string;
  /** The injected secrets as state records them: sources and fingerprints, never values. */
  secrets: readonly SecretBinding[];
  /** The complete environment inside the sandbox: placeholders, then the manifest's env. */
  env: Record<string, string>;
}

/** One agent of the bottle, with its provider's template. */
export interface AgentContext {
  agent: AgentManifest;
  template: ProviderTemplate;
}

/** A part of every bottle's graph: its resource type's nodes. */
export type BottlePart = (bottle: BottleContext) => ResourceNode[];

/** A part of the graph per agent of the bottle. */
export type AgentPart = (bottle: BottleContext, agent: AgentContext) => ResourceNode[];

export function bottleContext(
  manifest: BottleManifest,
  options: CompileOptions,
  agents: readonly AgentManifest[],
): BottleContext {
  const templates = templatesOf(agents);
  const bottle = withTemplates(manifest, templates);
  const name = bottle.name;
  const dir = bottleDir(options.stateDir, name);
  const secrets = secretBindings(bottle, options.describeSecret);
  return {
    name,
    manifest: bottle,
    options,
    agents,
    templates,
    paths: {
      dir,
      runDir: join(dir, "run"),
      policyFile: join(dir, "policy.json"),
      caDir: join(dir, "ca"),
      trustDir: join(dir, "trust"),
      logDir: join(dir, "logs"),
      secretsFile: join(dir, "secrets.json"),
      workspaceDir: join(dir, "workspace"),
      homeDir: join(dir, "home"),
      backendDir: join(dir, "backend"),
      gateDir: join(dir, "gate"),
    },
    id: (type) => `${type}.${name}`,
    secrets,
    env: { ...placeholderEnv(bottle, secrets), ...bottle.env },
  };
}

/** The bottle's agents that have a template, each with it, in manifest order. */
export function agentContexts(
  bottle: BottleContext,
  agents: readonly AgentManifest[],
): AgentContext[] {
  return agents.flatMap((agent) => {
    const template = bottle.templates.find((t) => t.provider === agent.provider);
    return template ? [{ agent, template }] : [];
  });
}
