import { assertEquals } from "../../tests/assert.ts";
import { CODEX_TEMPLATE, codexVendorDir } from "./codex.ts";
import { agentPaths, fillArgv } from "./types.ts";

Deno.test("codex template: the static binary of the operator's architecture goes on PATH", () => {
  assertEquals(
    codexVendorDir("x86_64"),
    "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin",
  );
  assertEquals(
    codexVendorDir("aarch64"),
    "node_modules/@openai/codex-linux-arm64/vendor/aarch64-unknown-linux-musl/bin",
  );
  assertEquals(CODEX_TEMPLATE.binary, `${CODEX_TEMPLATE.binDir}/codex`);
});

Deno.test("codex template: one unattended turn; the prompt stays an argument", () => {
  assertEquals(fillArgv(CODEX_TEMPLATE.runArgv, { prompt: "-x review", prompt_file: "/p" }), [
    "codex",
    "exec",
    "--skip-git-repo-check",
    "--dangerously-bypass-approvals-and-sandbox",
    "--",
    "-x review",
  ]);
});

Deno.test("codex template: CODEX_HOME is per agent; skills and sessions live in it", () => {
  const paths = agentPaths(CODEX_TEMPLATE, "coder");
  assertEquals(paths.configDir, "/home/agent/.bot-bottle/agents/coder/codex");
  assertEquals(paths.skillsDir, `${paths.configDir}/skills`);
  assertEquals(paths.sessionsDir, `${paths.configDir}/sessions`);
  assertEquals(paths.promptFile, "/home/agent/.bot-bottle/agents/coder/prompt.md");
});

Deno.test("codex template: attach is the TUI; --continue resumes the last run or session", () => {
  assertEquals(CODEX_TEMPLATE.attachArgv, ["codex", "--dangerously-bypass-approvals-and-sandbox"]);
  assertEquals(CODEX_TEMPLATE.resumeArgv.slice(0, 4), [
    "codex",
    "resume",
    "--last",
    "--include-non-interactive",
  ]);
});
