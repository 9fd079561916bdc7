import type { AgentProvider } from "../types.ts";
import { CLAUDE_TEMPLATE } from "./claude.ts";
import type { ProviderTemplate } from "./types.ts";

export type { ProviderTemplate } from "./types.ts";
export { buildRunArgv, promptPathInside } from "./types.ts";

const TEMPLATES: Partial<Record<AgentProvider, ProviderTemplate>> = { claude: CLAUDE_TEMPLATE };

/** The provider's template; undefined for a provider without one yet (codex). */
export function templateFor(provider: AgentProvider): ProviderTemplate | undefined {
  return TEMPLATES[provider];
}
