import type { JsonObject } from "../lib/json.ts";
import type { McpServer } from "../manifest/types.ts";

/**
 * What `$CLAUDE_CONFIG_DIR/.claude.json` needs so Claude Code never stops to ask
 * (docs/agents-spike.md): onboarding done, `/workspace` trusted, the placeholder key approved
 * (by its last 20 chars); and the agent's MCP servers at user scope (no approval prompt).
 */
export function claudeJsonSeed(
  placeholder: string | undefined,
  servers: Record<string, McpServer> = {},
): JsonObject {
  return {
    hasCompletedOnboarding: true,
    projects: { "/workspace": { hasTrustDialogAccepted: true } },
    customApiKeyResponses: {
      approved: placeholder ? [placeholder.slice(-20)] : [],
      rejected: [],
    },
    mcpServers: claudeMcpServers(servers),
  };
}

/**
 * `$CLAUDE_CONFIG_DIR/settings.json`: the bypass-permissions warning is already accepted (the
 * bottle is the sandbox it asks for), so `bottle attach` opens straight into the session.
 */
export const CLAUDE_SETTINGS_SEED: JsonObject = { skipDangerousModePermissionPrompt: true };

/** Claude Code's `mcpServers` entries. */
export function claudeMcpServers(servers: Record<string, McpServer>): JsonObject {
  const entries = Object.entries(servers).map(([name, server]): [string, JsonObject] => [
    name,
    "url" in server ? { type: "http", url: server.url } : {
      type: "stdio",
      command: server.command[0],
      args: server.command.slice(1),
      env: server.env,
    },
  ]);
  return Object.fromEntries(entries);
}
