/**
 * Resource types: one file each, owning its input and output schemas (zod), its provider
 * and the builder that adds its nodes to a bottle's graph. See README.md for adding one.
 */

import type { Provider } from "../engine/provider.ts";
import { agentCliProvider } from "./agent_cli.ts";
import { agentHomeProvider } from "./agent_home.ts";
import { agentSkillsProvider } from "./agent_skills.ts";
import { bottleDirProvider } from "./bottle_dir.ts";
import { caProvider } from "./ca.ts";
import { doorProvider } from "./door.ts";
import { dockerImageProvider } from "./docker_image.ts";
import { egressPolicyProvider } from "./egress_policy.ts";
import { egressSecretsProvider } from "./egress_secrets.ts";
import { gitconfigProvider } from "./gitconfig.ts";
import { gitCredentialsProvider } from "./git_credentials.ts";
import { gitGateDirProvider } from "./git_gate_dir.ts";
import { gitGatePolicyProvider } from "./git_gate_policy.ts";
import { gitGateProvider } from "./git_gate_process.ts";
import { gitMirrorProvider } from "./git_mirror.ts";
import { sandboxProvider } from "./sandbox.ts";
import { sidecarBundleProvider } from "./sidecar_bundle.ts";
import { superviseProvider } from "./supervise_process.ts";
import { trustStoreProvider } from "./trust_store.ts";
import { workspaceProvider } from "./workspace.ts";

export { compileProject } from "./compile.ts";

/** Every resource type; state rows of a type not listed here cannot be read or destroyed. */
const RESOURCE_TYPES: readonly Provider[] = [
  bottleDirProvider,
  doorProvider,
  workspaceProvider,
  egressPolicyProvider,
  caProvider,
  trustStoreProvider,
  egressSecretsProvider,
  sidecarBundleProvider,
  gitGateDirProvider,
  gitMirrorProvider,
  gitCredentialsProvider,
  gitGatePolicyProvider,
  gitGateProvider,
  superviseProvider,
  dockerImageProvider,
  sandboxProvider,
  agentCliProvider,
  agentHomeProvider,
  agentSkillsProvider,
  gitconfigProvider,
];

/** Every resource type's provider, by type. */
export function allProviders(): Map<string, Provider> {
  return new Map(RESOURCE_TYPES.map((provider) => [provider.type, provider]));
}
