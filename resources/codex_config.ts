import type { McpServer } from "../manifest/types.ts";
import { renderToml, type TomlTable } from "../lib/toml.ts";

/** The model provider entry the agent uses (Codex does not let a user entry replace `openai`). */
export const CODEX_PROVIDER_ID = "bot-bottle-openai";

/** Codex 0.169.0's default model (the TUI counts a notice per model; see below). */
const DEFAULT_MODEL = "gpt-6.1-sol";

/** What an agent's `config.toml` is made of. */
export interface CodexConfigInputs {
  /** The variable holding the API key's placeholder. */
  keyEnv: string;
  /** The agent's prompt (its manifest's body). */
  prompt: string;
  servers: Record<string, McpServer>;
}

/**
 * `$CODEX_HOME/config.toml`, owned by the engine. The prompt goes in `developer_instructions`:
 * a developer message, above the user-role AGENTS.md files and the conversation (there is no
 * instructions-file key in 0.169.0). A model provider entry of our own sends
 * `POST https://api.openai.com/v1/responses` straight away (the built-in `openai` provider
 * first tries a WebSocket upgrade and ignores `OPENAI_BASE_URL`, docs/agents-spike.md §3); the
 * key is the placeholder in `keyEnv`, swapped by the egress proxy. Also:
 * - no update check, no analytics or feedback uploads; `/workspace` trusted;
 * - no bundled system skills: Codex would write them into the skills directory, which the
 *   engine owns;
 * - `plugins` off: it syncs a plugin catalogue from github.com and chatgpt.com (denied anyway);
 * - `daemon_auto_start` off: the TUI would copy its 400 MB release into `$CODEX_HOME/packages`
 *   and leave a background app-server running after it exits;
 * - the TUI's first-run notes already taken (it writes them into this file otherwise, which
 *   would be drift after every `bottle attach`);
 * - the agent's MCP servers.
 */
export function codexConfig({ keyEnv, prompt, servers }: CodexConfigInputs): TomlTable {
  return {
    developer_instructions: prompt,
    model_provider: CODEX_PROVIDER_ID,
    check_for_update_on_startup: false,
    analytics: { enabled: false },
    feedback: { enabled: false },
    features: { plugins: false, daemon_auto_start: false },
    skills: { bundled: { enabled: false } },
    projects: { "/workspace": { trust_level: "trusted" } },
    tui: {
      screen_reader_detection_done: true,
      // Shown at most four times per model.
      model_availability_nux: { [DEFAULT_MODEL]: 4 },
    },
    model_providers: {
      [CODEX_PROVIDER_ID]: {
        name: "OpenAI",
        base_url: "https://api.openai.com/v1",
        env_key: keyEnv,
        wire_api: "responses",
      },
    },
    mcp_servers: codexMcpServers(servers),
  };
}

export function codexConfigToml(inputs: CodexConfigInputs): string {
  return "# Written by bot-bottle on every apply: edits here are drift.\n" +
    renderToml(codexConfig(inputs));
}

/** Codex's `[mcp_servers.NAME]` tables: `command`, `args`, `env` for stdio, or `url`. */
export function codexMcpServers(servers: Record<string, McpServer>): TomlTable {
  const entries = Object.entries(servers).map(([name, server]): [string, TomlTable] => [
    name,
    "url" in server
      ? {
        url: server.url,
        ...(server.tool_timeout_sec === undefined
          ? {}
          : { tool_timeout_sec: server.tool_timeout_sec }),
      }
      : {
        command: server.command[0],
        args: server.command.slice(1),
        ...(Object.keys(server.env).length > 0 ? { env: server.env } : {}),
      },
  ]);
  return Object.fromEntries(entries);
}
