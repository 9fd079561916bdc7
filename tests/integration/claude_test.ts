/**
 * Issue 4 end to end with the real Claude Code binary: `apply` installs it into the cache and
 * maps it into the bottle; it talks to https://api.anthropic.com through the egress proxy,
 * whose route (test-only `upstream`) leads to a local stand-in of the Messages API. The
 * stand-in's tool calls run inside the sandbox; the real key reaches only the stand-in.
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { agentUid, expectCode, standInEgress, World } from "./harness.ts";
import { FINAL_TEXT, startMessagesStandIn } from "./messages_standin.ts";

const DENIED = "denied.example.net";

Deno.test({
  name: "claude: real CLI in a bottle, tools run inside, key injected, denied host explained",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const standIn = startMessagesStandIn([
      "echo made-in-bottle > /workspace/proof.txt && id -u",
      `curl -sS -i --max-time 10 http://${DENIED}/ 2>&1; true`,
      { tool: "mcp__echo__bottle_echo", input: { text: "ping-42" } },
      "cd /workspace && git init -q idcheck && cd idcheck && git commit -q --allow-empty -m x " +
      "&& git log -1 --format='%an <%ae>'",
      // The conversation now quotes the placeholder; the next turn must still go through.
      "printenv ANTHROPIC_API_KEY",
    ]);
    const realKey = `sk-ant-test-${crypto.randomUUID()}`;
    const world = await World.create({ ANTHROPIC_API_KEY: realKey });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "agents",
      `git_user: { name: Bottle Bot, email: bottle@example.test }\n${
        standInEgress("api.anthropic.com", standIn.port, "x-api-key", "ANTHROPIC_API_KEY")
      }`,
    );
    await world.writeSkill(
      "release-notes",
      "Writes release notes in the house style",
      "Use past tense.",
    );
    await world.writeAgent(
      "coder",
      `provider: claude
bottle: agents
skills: [../skills/release-notes]
git_user: { name: Coder Agent }
mcp_servers:
  echo: { command: [node, /workspace/echo_mcp.mjs], env: { ECHO_TAG: 'tag with "quotes"' } }`,
      "You are a careful coder.",
    );
    const workspace = join(world.stateDir, "bottles", "agents", "workspace");
    const agentDir = join(world.stateDir, "bottles", "agents", "home", ".bot-bottle/agents/coder");
    try {
      const started = Date.now();
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Claude Code)");
      console.log(`apply with install: ${((Date.now() - started) / 1000).toFixed(1)}s`);

      await Deno.copyFile(
        new URL("./fixtures/echo_mcp.mjs", import.meta.url),
        join(workspace, "echo_mcp.mjs"),
      );
      const placeholder =
        (await world.cli(["exec", "agents", "--", "printenv", "ANTHROPIC_API_KEY"]))
          .stdout.trim();
      const run = await world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: do the steps"]);

      await t.step("bottle run exits 0 and prints the stand-in's final text", () => {
        expectCode(run, 0, "bottle run");
        assertMatch(run.stdout, new RegExp(FINAL_TEXT));
      });

      await t.step("the Bash tool ran inside the sandbox, as the agent", async () => {
        assertEquals(await Deno.readTextFile(join(workspace, "proof.txt")), "made-in-bottle\n");
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertMatch(results[0] ?? "", new RegExp(`^${agentUid()}\\b`, "m"));
      });

      await t.step("the stand-in got the real key; the agent only holds the placeholder", () => {
        const keys = standIn.received.map((r) => r.apiKey);
        assert_(keys.length >= 3, `expected three model turns, got ${keys.length}`);
        assert_(keys.every((key) => key === realKey), "a request arrived without the real key");
        assertMatch(placeholder, /^bb_placeholder_[0-9a-f]+$/);
        assert_(!placeholder.includes(realKey));
      });

      await t.step("the agent's prompt arrives through --append-system-prompt-file", () => {
        assertMatch(standIn.received[0]?.system ?? "", /You are a careful coder\./);
      });

      await t.step("the CLI is mapped read-only from the shared cache", async () => {
        const write = await world.cli([
          "exec",
          "agents",
          "--",
          "sh",
          "-c",
          "touch /opt/bot-bottle/claude-code/x",
        ]);
        assert_(write.code !== 0, "the agent could write into the CLI's install");
        const cache = join(world.env.BOT_BOTTLE_CACHE_DIR, "claude-code@2.1.330");
        assert_((await Deno.stat(join(cache, "node_modules/.bin/claude"))).isFile);
      });

      await t.step("a denied host fails with the proxy's reason in the tool result", () => {
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertMatch(results[1] ?? "", /403/);
        assertMatch(results[1] ?? "", /not in this bottle's egress allowlist/);
      });

      await t.step(
        "the skill is copied into the agent's config dir and offered to the model",
        async () => {
          const skill = join(agentDir, "claude", "skills", "release-notes", "SKILL.md");
          assertMatch(await Deno.readTextFile(skill), /house style/);
          assertMatch(standIn.received[0]?.body ?? "", /release-notes/);
        },
      );

      await t.step("the MCP server is registered, started inside and its tool answers", () => {
        // Claude Code 2.1 defers MCP tools behind ToolSearch: named in the prompt, not in `tools`.
        assertMatch(standIn.received[0]?.body ?? "", /mcp__echo__bottle_echo/);
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertMatch(
          results[2] ?? "",
          new RegExp(`echo: ping-42 \\(tag with "quotes"\\) uid=${agentUid()}`),
        );
      });

      await t.step("commits carry the agent's git_user over the bottle's", () => {
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertMatch(results[3] ?? "", /^Coder Agent <bottle@example\.test>$/m);
      });

      await t.step("a turn quoting the placeholder (tool output) still reaches the model", () => {
        const results = standIn.received.at(-1)?.toolResults ?? [];
        assertEquals(results[4]?.trim(), placeholder);
      });

      await t.step(
        "Claude Code's config and conversation live in the agent's own dir",
        async () => {
          assert_((await Deno.stat(join(agentDir, "claude", ".claude.json"))).isFile);
          const sessions = join(agentDir, "claude", "projects", "-workspace");
          const names = [...Deno.readDirSync(sessions)].map((entry) => entry.name);
          assert_(names.some((name) => name.endsWith(".jsonl")), `no conversation in ${sessions}`);
        },
      );

      await t.step("an unknown agent is a clear error", async () => {
        const unknown = await world.cli(["run", "nobody", "-p", "hi"]);
        expectCode(unknown, 1, "unknown agent");
        assertMatch(unknown.stderr, /no agent named "nobody".*\n.*applied agents: coder/);
      });
    } finally {
      expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
      // The shared cache outlives the bottle.
      assert_(
        (await Deno.stat(join(world.env.BOT_BOTTLE_CACHE_DIR, "claude-code@2.1.330"))).isDirectory,
      );
      await standIn.close();
    }
  },
});
