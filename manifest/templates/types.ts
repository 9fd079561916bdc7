import type { AgentProvider, EgressRoute } from "../types.ts";

/**
 * How one agent CLI runs in a bottle, as data: where it comes from (an npm package installed
 * once into a versioned cache and mapped read-only), its environment, the egress it needs and
 * its non-interactive command line.
 */
export interface ProviderTemplate {
  provider: AgentProvider;
  npm: { package: string; version: string };
  /** Cache entry `<cacheName>@<version>` under the operator's cache dir. */
  cacheName: string;
  /** The entry point, relative to the install root. */
  binary: string;
  /** Directory of the install root's executables, relative to it (goes on PATH inside). */
  binDir: string;
  /** Where the install root is mapped read-only inside the sandbox. */
  mountAt: string;
  /** Added to the bottle's env (the manifest's own values win). */
  env: Record<string, string>;
  /** The variable that holds the API key's placeholder inside. */
  keyEnv: string;
  /** Added to the bottle's egress; a route is skipped when the manifest routes that host. */
  egress: { allow: string[]; routes: EgressRoute[] };
  /** One unattended turn; `{prompt}` and `{prompt_file}` are substituted. */
  runArgv: string[];
  /** The interactive session (`bottle attach`); `{prompt_file}` is substituted. */
  attachArgv: string[];
  /** Appended to `attachArgv` by `attach --continue` when a conversation exists. */
  continueArgs: string[];
  /** Where the CLI keeps conversations for `/workspace`, relative to HOME. */
  sessionsDir: string;
}

/** Fills `{prompt}` and `{prompt_file}` in a template's argv (whole arguments only). */
export function buildRunArgv(
  template: ProviderTemplate,
  values: { prompt: string; prompt_file: string },
): string[] {
  return template.runArgv.map((arg) =>
    arg === "{prompt}" ? values.prompt : arg === "{prompt_file}" ? values.prompt_file : arg
  );
}

/** Where an agent's prompt lives inside the sandbox. */
export function promptPathInside(agent: string): string {
  return `/home/agent/.bot-bottle/agents/${agent}/prompt.md`;
}
