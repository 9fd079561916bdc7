import type { AgentProvider } from "../types.ts";
import { CLAUDE_TEMPLATE } from "./claude.ts";
import { CODEX_TEMPLATE } from "./codex.ts";
import type { ProviderTemplate } from "./types.ts";

export type { AgentPaths, ProviderTemplate } from "./types.ts";
export { agentPaths, AGENTS_DIR_INSIDE, fillArgv } from "./types.ts";

const TEMPLATES: Partial<Record<AgentProvider, ProviderTemplate>> = {
  claude: CLAUDE_TEMPLATE,
  codex: CODEX_TEMPLATE,
};

/** The provider's template; undefined for a provider without one yet. */
export function templateFor(provider: AgentProvider): ProviderTemplate | undefined {
  return TEMPLATES[provider];
}
