import type { AgentManifest, BottleManifest } from "../manifest/types.ts";
import { type ProviderTemplate, templateFor } from "../manifest/templates/mod.ts";

/** The templates of a bottle's agents, one per provider that has one, in a stable order. */
export function templatesOf(agents: readonly AgentManifest[]): ProviderTemplate[] {
  const providers = [...new Set(agents.map((agent) => agent.provider))].sort();
  return providers.map(templateFor).filter((t): t is ProviderTemplate => t !== undefined);
}

/**
 * The bottle as its agents need it: each template's env under the manifest's, its hosts
 * added to `allow`, and its routes added unless the manifest already routes that host (then
 * the manifest's route wins: that is how an operator points a provider at a gateway).
 */
export function withTemplates(
  bottle: BottleManifest,
  templates: readonly ProviderTemplate[],
): BottleManifest {
  if (templates.length === 0) return bottle;
  const allow = [...bottle.egress.allow];
  const routes = [...bottle.egress.routes];
  let env: Record<string, string> = {};
  for (const template of templates) {
    env = { ...env, ...template.env };
    for (const host of template.egress.allow) if (!allow.includes(host)) allow.push(host);
    for (const route of template.egress.routes) {
      if (!routes.some((existing) => existing.host === route.host)) routes.push(route);
    }
  }
  return {
    ...bottle,
    env: { ...env, ...bottle.env },
    egress: { ...bottle.egress, allow, routes },
  };
}
