/**
 * Manifests → the resource graph: one subgraph per bottle, assembled from its parts in the
 * order below (each part is its resource type's builder, in that type's file). The order is
 * the order plans list resources in; dependencies, not this order, decide what applies first.
 */

import type { ResourceNode } from "../engine/graph.ts";
import { ResourceGraph } from "../engine/graph.ts";
import type { AgentManifest, BottleManifest, Project } from "../manifest/types.ts";
import { agentCliNodes } from "./agent_cli.ts";
import { agentHomeNodes } from "./agent_home.ts";
import { agentSkillsNodes } from "./agent_skills.ts";
import {
  agentContexts,
  type AgentPart,
  bottleContext,
  type BottlePart,
  type CompileOptions,
} from "./bottle_context.ts";
import { bottleDirNodes } from "./bottle_dir.ts";
import { caNodes } from "./ca.ts";
import { doorNodes } from "./door.ts";
import { egressPolicyNodes } from "./egress_policy.ts";
import { egressSecretsNodes } from "./egress_secrets.ts";
import { gitconfigNodes } from "./gitconfig.ts";
import { gitCredentialsNodes } from "./git_credentials.ts";
import { gitGateDirNodes } from "./git_gate_dir.ts";
import { gitGatePolicyNodes } from "./git_gate_policy.ts";
import { gitGateNodes } from "./git_gate_process.ts";
import { gitMirrorNodes } from "./git_mirror.ts";
import { sandboxNodes } from "./sandbox.ts";
import { dockerImageNodes } from "./docker_image.ts";
import { sidecarBundleNodes } from "./sidecar_bundle.ts";
import { superviseNodes } from "./supervise_process.ts";
import { trustStoreNodes } from "./trust_store.ts";
import { workspaceNodes } from "./workspace.ts";

export type { CompileOptions };

/** The parts of every bottle, in order. */
const BOTTLE_PARTS: readonly BottlePart[] = [
  bottleDirNodes,
  doorNodes,
  workspaceNodes,
  egressPolicyNodes,
  caNodes,
  trustStoreNodes,
  egressSecretsNodes,
  sidecarBundleNodes,
  gitGateDirNodes,
  gitMirrorNodes,
  gitCredentialsNodes,
  gitGatePolicyNodes,
  gitGateNodes,
  superviseNodes,
  dockerImageNodes,
  sandboxNodes,
  gitconfigNodes,
  agentCliNodes,
];

/** The parts of each of its agents, in order, after the bottle's own. */
const AGENT_PARTS: readonly AgentPart[] = [agentHomeNodes, agentSkillsNodes];

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
  const bottle = bottleContext(manifest, options, agents);
  return [
    ...BOTTLE_PARTS.flatMap((part) => part(bottle)),
    ...agentContexts(bottle, agents).flatMap((agent) =>
      AGENT_PARTS.flatMap((part) => part(bottle, agent))
    ),
  ];
}
