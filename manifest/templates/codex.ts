import type { ProviderTemplate } from "./types.ts";

/**
 * The npm package's `bin/codex.js` is only a Node launcher for a static musl binary shipped in
 * the optional dependency `@openai/codex-linux-<arch>`: the sandbox runs that binary directly,
 * so it needs no Node. npm installs the dependency for the operator's architecture only.
 */
export function codexVendorDir(arch: string): string {
  const [pkg, triple] = arch === "aarch64"
    ? ["codex-linux-arm64", "aarch64-unknown-linux-musl"]
    : ["codex-linux-x64", "x86_64-unknown-linux-musl"];
  return `node_modules/@openai/${pkg}/vendor/${triple}/bin`;
}

const BIN_DIR = codexVendorDir(Deno.build.arch);

/**
 * Codex CLI 0.169.0 (see docs/agents-spike.md §3). Its switches (update check, analytics, the
 * model provider, trust, skills, MCP servers) and the prompt (`developer_instructions`) are
 * config keys, not variables or flags: they live in the agent's `$CODEX_HOME/config.toml`
 * (resources/codex_config.ts), so `env` adds nothing. The bypass flag turns off Codex's own
 * sandbox and approvals: the bottle is the sandbox.
 */
export const CODEX_TEMPLATE: ProviderTemplate = {
  provider: "codex",
  npm: { package: "@openai/codex", version: "0.169.0" },
  cacheName: "codex",
  binary: `${BIN_DIR}/codex`,
  binDir: BIN_DIR,
  mountAt: "/opt/bot-bottle/codex",
  env: {},
  keyEnv: "OPENAI_API_KEY",
  egress: {
    allow: ["api.openai.com"],
    routes: [{
      host: "api.openai.com",
      passthrough: false,
      auth: { scheme: "bearer", secret: { env: "OPENAI_API_KEY" } },
    }],
  },
  configDir: { name: "codex", env: "CODEX_HOME" },
  // Codex reads the prompt from config.toml; this copy is for `{prompt_file}` in attach_command.
  promptFile: "prompt.md",
  skillsDir: "skills",
  // Rollouts are nested by date: sessions/YYYY/MM/DD/rollout-*.jsonl.
  sessionsDir: "sessions",
  runArgv: [
    "codex",
    "exec",
    "--skip-git-repo-check",
    "--dangerously-bypass-approvals-and-sandbox",
    // A prompt such as `review` or `-x` stays the prompt (not a subcommand or a flag).
    "--",
    "{prompt}",
  ],
  attachArgv: ["codex", "--dangerously-bypass-approvals-and-sandbox"],
  // `bottle run`'s conversations count too (`resume --last` skips `exec` sessions by default).
  resumeArgv: [
    "codex",
    "resume",
    "--last",
    "--include-non-interactive",
    "--dangerously-bypass-approvals-and-sandbox",
  ],
};
