import type { AgentProvider, EgressRoute } from "../types.ts";

/**
 * How one agent CLI runs in a bottle, as data: where it comes from (an npm package installed
 * once into a versioned cache and mapped read-only), its environment, the egress it needs,
 * where its per-agent files go and its command lines.
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
  /**
   * The CLI's own config directory, one per agent (so agents sharing a bottle keep their
   * skills, MCP servers and conversations apart): `name` under the agent's directory, `env`
   * the variable that points the CLI at it.
   */
  configDir: { name: string; env: string };
  /** The prompt file, relative to the agent's directory (`{prompt_file}` in argv). */
  promptFile: string;
  /** Skills directory, relative to the config directory. */
  skillsDir: string;
  /** Where the CLI keeps conversations for `/workspace`, relative to the config directory. */
  sessionsDir: string;
  /** One unattended turn; `{prompt}` and `{prompt_file}` are substituted. */
  runArgv: string[];
  /** The interactive session (`bottle attach`); `{prompt_file}` is substituted. */
  attachArgv: string[];
  /** `bottle attach --continue` when a conversation exists; `{prompt_file}` is substituted. */
  resumeArgv: string[];
}

/** Where an agent's own files live inside the sandbox. */
export const AGENTS_DIR_INSIDE = "/home/agent/.bot-bottle/agents";

/** The paths of one agent's files inside the sandbox. */
export interface AgentPaths {
  /** `/home/agent/.bot-bottle/agents/<agent>`. */
  dir: string;
  configDir: string;
  promptFile: string;
  skillsDir: string;
  sessionsDir: string;
}

export function agentPaths(template: ProviderTemplate, agent: string): AgentPaths {
  const dir = `${AGENTS_DIR_INSIDE}/${agent}`;
  const configDir = `${dir}/${template.configDir.name}`;
  return {
    dir,
    configDir,
    promptFile: `${dir}/${template.promptFile}`,
    skillsDir: `${configDir}/${template.skillsDir}`,
    sessionsDir: `${configDir}/${template.sessionsDir}`,
  };
}

/** Fills `{prompt}` and `{prompt_file}` in an argv (whole arguments only). */
export function fillArgv(
  argv: readonly string[],
  values: { prompt?: string; prompt_file: string },
): string[] {
  return argv.map((arg) => {
    if (arg === "{prompt_file}") return values.prompt_file;
    if (arg === "{prompt}" && values.prompt !== undefined) return values.prompt;
    return arg;
  });
}
