import type { AgentManifest, AgentProvider, GitUser } from "../manifest/types.ts";
import type { ProviderTemplate } from "../manifest/templates/mod.ts";
import type { JsonObject } from "../lib/json.ts";
import { CLAUDE_SETTINGS_SEED, claudeJsonSeed } from "./claude_config.ts";
import { codexConfigToml } from "./codex_config.ts";

/** The CLI config an agent's directory holds, per provider (paths relative to that dir). */
export interface ProviderConfig {
  files: Record<string, string>;
  json_seeds: Record<string, JsonObject>;
}

type ConfigRenderer = (
  template: ProviderTemplate,
  agent: AgentManifest,
  placeholder: string | undefined,
) => ProviderConfig;

const RENDERERS: Record<AgentProvider, ConfigRenderer> = {
  claude: (template, agent, placeholder) => ({
    files: {},
    json_seeds: {
      [`${template.configDir.name}/.claude.json`]: claudeJsonSeed(placeholder, agent.mcpServers),
      [`${template.configDir.name}/settings.json`]: CLAUDE_SETTINGS_SEED,
    },
  }),
  codex: (template, agent) => ({
    files: {
      [`${template.configDir.name}/config.toml`]: codexConfigToml({
        keyEnv: template.keyEnv,
        prompt: agent.prompt,
        servers: agent.mcpServers,
      }),
    },
    json_seeds: {},
  }),
};

/** The CLI config files and JSON seeds of `agent`'s directory, for its provider. */
export function agentConfig(
  template: ProviderTemplate,
  agent: AgentManifest,
  placeholder: string | undefined,
): ProviderConfig {
  return RENDERERS[agent.provider](template, agent, placeholder);
}

/** An agent's own `git_user` as git's variables (they win over the bottle's ~/.gitconfig). */
export function gitIdentityEnv(user: GitUser | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (user?.name) env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = user.name;
  if (user?.email) env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = user.email;
  return env;
}
