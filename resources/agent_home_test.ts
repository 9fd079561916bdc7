import { assertEquals } from "../tests/assert.ts";
import { claudeJsonDrift, claudeJsonSeed, mergeClaudeJson } from "./agent_home.ts";

const PLACEHOLDER = "bb_placeholder_0123456789abcdef0123456789abcdef";

Deno.test("claude.json seed: onboarding done, /workspace trusted, the key's last 20 approved", () => {
  assertEquals(claudeJsonSeed(PLACEHOLDER), {
    hasCompletedOnboarding: true,
    projects: { "/workspace": { hasTrustDialogAccepted: true } },
    customApiKeyResponses: { approved: [PLACEHOLDER.slice(-20)], rejected: [] },
  });
});

Deno.test("claude.json merge keeps what Claude Code wrote; drift names only seeded keys", () => {
  const seed = claudeJsonSeed(PLACEHOLDER);
  const live = {
    userID: "u1",
    hasCompletedOnboarding: false,
    projects: { "/workspace": { allowedTools: [] }, "/other": { hasTrustDialogAccepted: false } },
  };
  const merged = mergeClaudeJson(live, seed);
  assertEquals(merged.userID, "u1");
  assertEquals(merged.projects, {
    "/workspace": { allowedTools: [], hasTrustDialogAccepted: true },
    "/other": { hasTrustDialogAccepted: false },
  });
  assertEquals(claudeJsonDrift(merged, seed), []);
  assertEquals(claudeJsonDrift(live, seed), [
    "~/.claude.json: hasCompletedOnboarding differs",
    "~/.claude.json: projects./workspace.hasTrustDialogAccepted differs",
    "~/.claude.json: customApiKeyResponses differs",
  ]);
});
