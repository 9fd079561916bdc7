import { join } from "node:path";
import type { JsonObject } from "../lib/json.ts";
import type { ResourceNode } from "../engine/graph.ts";
import { ResourceGraph } from "../engine/graph.ts";
import { bottleDir } from "../engine/state_dir.ts";
import type { DoorService, SandboxSpec } from "../backends/backend.ts";
import type {
  AgentManifest,
  BottleManifest,
  EgressRoute,
  Project,
  RouteAuth,
} from "../manifest/types.ts";
import { agentPaths, type ProviderTemplate } from "../manifest/templates/mod.ts";
import { templatesOf, withTemplates } from "./agent_templates.ts";
import type { AgentCliInputs } from "./agent_cli.ts";
import { agentHomeInputs } from "./agent_config.ts";
import { type AgentSkillsInputs, skillCopies } from "./agent_skills.ts";
import { type GitconfigInputs, gitIdentity } from "./gitconfig.ts";
import type { SecretBinding } from "./egress_secrets.ts";
import type { WorkspaceInputs } from "./workspace.ts";
import { expandHome } from "./secret_source.ts";
import type { BundleSpec } from "../sidecars/bundle/types.ts";
import type { EgressPolicy } from "../sidecars/egress/mod.ts";

const HOME_PREFIX = "/home/agent/".length;

/** Services on every bottle's door, at fixed ports inside (each sandbox has its own netns). */
export const DOOR_SERVICES: DoorService[] = [{ name: "egress", port: 3128, socket: "egress.sock" }];

export interface CompileOptions {
  stateDir: string;
  /** Test-only hostname → loopback map for the egress proxy (see BOT_BOTTLE_TEST_RESOLVE). */
  testResolve: Record<string, string>;
  /** The operator's home, for `~/` in paths the sidecars read. */
  home: string;
  /** Where agent CLIs are installed once per version (see resolveCacheDir). */
  cacheDir: string;
  /** Placeholder and fingerprint for a route's secret (reads the operator's secret). */
  describeSecret: (bottle: BottleManifest, route: EgressRoute & { auth: RouteAuth }) => {
    placeholder: string;
    fingerprint: string;
  };
  /** Seeds the workspace of bottles without `workspace:` (`--cwd`); checked already. */
  workspaceSource?: string;
}

/** Compiles manifests into the resource graph: one subgraph per bottle. */
export function compileProject(project: Project, options: CompileOptions): ResourceGraph {
  const graph = new ResourceGraph();
  const agents = [...project.agents.values()];
  for (const bottle of project.bottles.values()) {
    const own = agents.filter((agent) => agent.bottle === bottle.name);
    for (const node of compileBottle(bottle, options, own)) graph.add(node);
  }
  graph.topologicalOrder();
  return graph;
}

export function compileBottle(
  manifest: BottleManifest,
  options: CompileOptions,
  agents: readonly AgentManifest[] = [],
): ResourceNode[] {
  const templates = templatesOf(agents);
  const bottle = withTemplates(manifest, templates);
  const name = bottle.name;
  const dir = bottleDir(options.stateDir, name);
  const id = (type: string): string => `${type}.${name}`;
  const node = (
    type: string,
    inputs: JsonObject,
    dependsOn: string[],
    replaceWith: string[] = [],
  ): ResourceNode => ({ id: id(type), type, bottle: name, inputs, dependsOn, replaceWith });

  const runDir = join(dir, "run");
  const policyFile = join(dir, "policy.json");
  const caDir = join(dir, "ca");
  const trustDir = join(dir, "trust");
  const secrets = secretBindings(bottle, options);
  const policy: EgressPolicy = {
    version: 1,
    bottle: name,
    allow: bottle.egress.allow,
    deny: bottle.egress.deny,
    routes: bottle.egress.routes.map((route) =>
      route.upstream_ca_file
        ? { ...route, upstream_ca_file: expandHome(route.upstream_ca_file, { HOME: options.home }) }
        : route
    ),
    ...(bottle.egress.dlp ? { dlp: bottle.egress.dlp } : {}),
  };
  const bundle: BundleSpec = {
    bottle: name,
    runDir,
    policyFile,
    logDir: join(dir, "logs"),
    caDir,
    secretsFile: join(dir, "secrets.json"),
    testResolve: options.testResolve,
  };
  const sandbox: SandboxSpec & { backend: string } = {
    backend: bottle.backend,
    bottle: name,
    workspaceDir: join(dir, "workspace"),
    homeDir: join(dir, "home"),
    runDir,
    backendDir: join(dir, "backend"),
    trustDir,
    services: DOOR_SERVICES,
    env: { ...placeholderEnv(bottle, secrets), ...bottle.env },
  };
  const clis = templates.map((template) => agentCli(template, options.cacheDir));
  if (clis.length > 0) {
    sandbox.roBinds = clis.map(({ template, inputs }) => ({
      host: inputs.dir,
      inside: template.mountAt,
    }));
    sandbox.extraPath = clis.map(({ template }) => `${template.mountAt}/${template.binDir}`);
  }
  const cliIds = templates.map((template) => `agent_cli.${name}.${template.provider}`);
  const agentNodes: ResourceNode[] = [
    ...clis.map(({ template, inputs }): ResourceNode => ({
      id: `agent_cli.${name}.${template.provider}`,
      type: "agent_cli",
      bottle: name,
      inputs: inputs as unknown as JsonObject,
      dependsOn: [],
      replaceWith: [],
    })),
    ...agents.flatMap((agent): ResourceNode[] => {
      const template = templates.find((t) => t.provider === agent.provider);
      if (!template) return [];
      const homeId = `agent_home.${name}.${agent.name}`;
      const home = agentHomeInputs(template, agent, {
        home: sandbox.homeDir,
        placeholder: sandbox.env[template.keyEnv],
      });
      const nodes: ResourceNode[] = [{
        id: homeId,
        type: "agent_home",
        bottle: name,
        inputs: home as unknown as JsonObject,
        dependsOn: [id("bottle_dir")],
        replaceWith: [id("bottle_dir")],
      }];
      if (agent.skills.length > 0) {
        const skills: AgentSkillsInputs = {
          dir: join(sandbox.homeDir, agentPaths(template, agent.name).skillsDir.slice(HOME_PREFIX)),
          skills: skillCopies(agent.skills),
        };
        nodes.push({
          id: `agent_skills.${name}.${agent.name}`,
          type: "agent_skills",
          bottle: name,
          inputs: skills as unknown as JsonObject,
          dependsOn: [homeId],
          replaceWith: [homeId],
        });
      }
      return nodes;
    }),
  ];
  const gitconfig: GitconfigInputs = {
    path: join(sandbox.homeDir, ".gitconfig"),
    bottle: name,
    user: gitIdentity(name, bottle.git_user),
  };
  return [
    node("bottle_dir", { path: dir, subdirs: ["logs", "home", "backend"], owned: ["home"] }, []),
    node("door", {
      path: runDir,
      mode: 0o711,
      services: DOOR_SERVICES as unknown as JsonObject[],
    }, [
      id("bottle_dir"),
    ], [id("bottle_dir")]),
    node("workspace", workspaceInputs(dir, bottle, options), [id("bottle_dir")], [
      id("bottle_dir"),
    ]),
    node("egress_policy", { path: policyFile, policy: policy as unknown as JsonObject }, [
      id("bottle_dir"),
    ]),
    node("ca", { dir: caDir, bottle: name }, [id("bottle_dir")], [id("bottle_dir")]),
    node(
      "trust_store",
      { dir: trustDir, ca_cert: join(caDir, "ca.crt") },
      [id("ca")],
      [id("ca"), id("bottle_dir")],
    ),
    node(
      "egress_secrets",
      { path: bundle.secretsFile, secrets: secrets as unknown as JsonObject[] },
      [id("bottle_dir")],
    ),
    node(
      "sidecar_bundle",
      bundle as unknown as JsonObject,
      [id("door"), id("egress_policy"), id("egress_secrets"), id("ca")],
      [id("door"), id("ca"), id("bottle_dir")],
    ),
    node(
      "sandbox",
      sandbox as unknown as JsonObject,
      [id("door"), id("workspace"), id("trust_store"), id("sidecar_bundle"), ...cliIds],
      [id("door"), id("workspace"), id("trust_store"), id("bottle_dir")],
    ),
    node("gitconfig", gitconfig as unknown as JsonObject, [id("bottle_dir")], [id("bottle_dir")]),
    ...agentNodes,
  ];
}

/** A bottle's own `workspace:` wins over `--cwd`; neither: the workspace starts empty. */
function workspaceInputs(
  dir: string,
  bottle: BottleManifest,
  options: CompileOptions,
): JsonObject {
  const inputs: WorkspaceInputs = { path: join(dir, "workspace") };
  const source = bottle.workspace ?? options.workspaceSource;
  if (source !== undefined) inputs.source = source;
  return inputs as unknown as JsonObject;
}

function agentCli(
  template: ProviderTemplate,
  cacheDir: string,
): { template: ProviderTemplate; inputs: AgentCliInputs } {
  const { package: pkg, version } = template.npm;
  return {
    template,
    inputs: {
      package: pkg,
      version,
      dir: join(cacheDir, `${template.cacheName}@${version}`),
      binary: template.binary,
    },
  };
}

function secretBindings(bottle: BottleManifest, options: CompileOptions): SecretBinding[] {
  const bindings: SecretBinding[] = [];
  for (const route of bottle.egress.routes) {
    if (!route.auth) continue;
    const { placeholder, fingerprint } = options.describeSecret(bottle, {
      ...route,
      auth: route.auth,
    });
    bindings.push({
      host: route.host,
      ...(route.path_prefix ? { path_prefix: route.path_prefix } : {}),
      scheme: route.auth.scheme,
      ...(route.auth.header ? { header: route.auth.header } : {}),
      source: route.auth.secret,
      placeholder,
      fingerprint,
    });
  }
  return bindings;
}

/** Where the agent finds each placeholder: `agent_env`, else the secret's own env name. */
function placeholderEnv(bottle: BottleManifest, bindings: SecretBinding[]): Record<string, string> {
  const env: Record<string, string> = {};
  const routes = bottle.egress.routes.filter((route) => route.auth);
  routes.forEach((route, i) => {
    const name = route.auth?.agent_env ?? route.auth?.secret.env;
    if (name) env[name] = bindings[i].placeholder;
  });
  return env;
}

/** Parses `BOT_BOTTLE_TEST_RESOLVE=host=127.0.0.1,other=127.0.0.1` (test use only). */
export function parseTestResolve(value: string | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of (value ?? "").split(",").map((item) => item.trim()).filter(Boolean)) {
    const [host, address] = pair.split("=");
    if (host && address) map[host.toLowerCase()] = address;
  }
  return map;
}
