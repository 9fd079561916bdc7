import { assertEquals } from "../tests/assert.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { agentHomeProvider, mergeSeed, seedDrift } from "./agent_home.ts";
import { claudeJsonSeed } from "./claude_config.ts";
import { giveToAgent, ownedTempDir } from "../tests/owned_dir.ts";

const PLACEHOLDER = "bb_placeholder_0123456789abcdef0123456789abcdef";

Deno.test("claude.json seed: onboarding done, /workspace trusted, the key's last 20 approved", () => {
  assertEquals(claudeJsonSeed(PLACEHOLDER), {
    hasCompletedOnboarding: true,
    projects: { "/workspace": { hasTrustDialogAccepted: true } },
    customApiKeyResponses: { approved: [PLACEHOLDER.slice(-20)], rejected: [] },
    mcpServers: {},
  });
});

Deno.test("claude.json seed: MCP servers as stdio and http entries", () => {
  const seed = claudeJsonSeed(PLACEHOLDER, {
    tools: { command: ["node", "/workspace/t.js", "--x"], env: { A: "1" } },
    web: { url: "http://127.0.0.1:8080/mcp" },
  });
  assertEquals(seed.mcpServers, {
    tools: { type: "stdio", command: "node", args: ["/workspace/t.js", "--x"], env: { A: "1" } },
    web: { type: "http", url: "http://127.0.0.1:8080/mcp" },
  });
});

Deno.test("seed merge keeps what the CLI wrote; drift names only seeded keys", () => {
  const seed = claudeJsonSeed(PLACEHOLDER);
  const live = {
    userID: "u1",
    hasCompletedOnboarding: false,
    projects: { "/workspace": { allowedTools: [] }, "/other": { hasTrustDialogAccepted: false } },
  };
  const merged = mergeSeed(live, seed);
  assertEquals(merged.userID, "u1");
  assertEquals(merged.projects, {
    "/workspace": { allowedTools: [], hasTrustDialogAccepted: true },
    "/other": { hasTrustDialogAccepted: false },
  });
  assertEquals(seedDrift(".claude.json", merged, seed), []);
  assertEquals(seedDrift(".claude.json", live, seed), [
    ".claude.json: hasCompletedOnboarding differs",
    ".claude.json: projects./workspace.hasTrustDialogAccepted differs",
    ".claude.json: customApiKeyResponses differs",
    ".claude.json: mcpServers differs",
  ]);
});

Deno.test("seed merge: mcpServers is owned whole, so a server removed from the manifest goes", () => {
  const live = { mcpServers: { old: { type: "http", url: "http://127.0.0.1:1/" } } };
  const seed = claudeJsonSeed(PLACEHOLDER, { now: { url: "http://127.0.0.1:2/" } });
  const merged = mergeSeed(live, seed);
  assertEquals(merged.mcpServers, { now: { type: "http", url: "http://127.0.0.1:2/" } });
  assertEquals(seedDrift("f", live, seed).includes("f: mcpServers differs"), true);
});

Deno.test("agent_home: a record from before `dir` existed is deleted by its prompt's directory", async () => {
  const home = await ownedTempDir();
  try {
    const agentDir = join(home, ".bot-bottle", "agents", "old");
    await Deno.mkdir(agentDir, { recursive: true });
    await Deno.writeTextFile(join(agentDir, "prompt.md"), "p");
    await giveToAgent(home);
    await agentHomeProvider.delete(
      { stateDir: home, env: {} },
      {
        id: "agent_home.b.old",
        type: "agent_home",
        bottle: "b",
        inputs: { home, agent: "old", prompt_path: ".bot-bottle/agents/old/prompt.md" },
        outputs: null,
      },
    );
    assertEquals(existsSync(agentDir), false);
    assertEquals(existsSync(join(home, ".bot-bottle", "agents")), true);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
