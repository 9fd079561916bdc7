import type { Provider } from "../engine/provider.ts";
import { directoryProvider } from "./directory.ts";
import { egressPolicyProvider } from "./egress_policy.ts";
import { sandboxProvider } from "./sandbox.ts";
import { sidecarBundleProvider } from "./sidecar_bundle.ts";
import { caProvider } from "./ca.ts";
import { egressSecretsProvider } from "./egress_secrets.ts";
import { trustStoreProvider } from "./trust_store.ts";
import { workspaceProvider } from "./workspace.ts";
import { agentCliProvider } from "./agent_cli.ts";
import { agentHomeProvider } from "./agent_home.ts";
import { agentSkillsProvider } from "./agent_skills.ts";
import { gitconfigProvider } from "./gitconfig.ts";

export { compileProject } from "./compile.ts";

/** Every resource type's provider, by type. */
export function allProviders(): Map<string, Provider> {
  const providers: Provider[] = [
    directoryProvider("bottle_dir"),
    directoryProvider("door"),
    workspaceProvider,
    egressPolicyProvider,
    caProvider,
    trustStoreProvider,
    egressSecretsProvider,
    sidecarBundleProvider,
    sandboxProvider,
    agentCliProvider,
    agentHomeProvider,
    agentSkillsProvider,
    gitconfigProvider,
  ];
  return new Map(providers.map((provider) => [provider.type, provider]));
}
