import type { ProviderTemplate } from "./types.ts";

/**
 * Claude Code 2.1.330 (see docs/agents-spike.md). The npm package's install script copies the
 * native binary from the optional dependency `@anthropic-ai/claude-code-linux-x64`.
 * `IS_SANDBOX=1` lets bypassPermissions run unattended (the bottle is the sandbox).
 */
export const CLAUDE_TEMPLATE: ProviderTemplate = {
  provider: "claude",
  npm: { package: "@anthropic-ai/claude-code", version: "2.1.330" },
  cacheName: "claude-code",
  binary: "node_modules/.bin/claude",
  binDir: "node_modules/.bin",
  mountAt: "/opt/bot-bottle/claude-code",
  env: {
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    IS_SANDBOX: "1",
  },
  keyEnv: "ANTHROPIC_API_KEY",
  egress: {
    allow: ["api.anthropic.com"],
    routes: [{
      host: "api.anthropic.com",
      passthrough: false,
      auth: { scheme: "x-api-key", secret: { env: "ANTHROPIC_API_KEY" } },
    }],
  },
  configDir: { name: "claude", env: "CLAUDE_CONFIG_DIR" },
  promptFile: "prompt.md",
  skillsDir: "skills",
  sessionsDir: "projects/-workspace",
  runArgv: [
    "claude",
    "-p",
    "{prompt}",
    "--append-system-prompt-file",
    "{prompt_file}",
    "--permission-mode",
    "bypassPermissions",
  ],
  // Interactive: the operator watches, so the same bypass as `run` (the bottle is the boundary).
  attachArgv: [
    "claude",
    "--append-system-prompt-file",
    "{prompt_file}",
    "--permission-mode",
    "bypassPermissions",
  ],
  resumeArgv: [
    "claude",
    "--continue",
    "--append-system-prompt-file",
    "{prompt_file}",
    "--permission-mode",
    "bypassPermissions",
  ],
};
