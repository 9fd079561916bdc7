/**
 * Issue 4 end to end with the real Claude Code binary: `apply` installs it into the cache and
 * maps it into the bottle; it talks to https://api.anthropic.com through the egress proxy,
 * whose route (test-only `upstream`) leads to a local stand-in of the Messages API. The
 * stand-in's tool calls run inside the sandbox; the real key reaches only the stand-in.
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { expectCode, World } from "./harness.ts";
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
    ]);
    const realKey = `sk-ant-test-${crypto.randomUUID()}`;
    const world = await World.create({ ANTHROPIC_API_KEY: realKey });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "agents",
      `
egress:
  allow: [api.anthropic.com]
  routes:
    - host: api.anthropic.com
      upstream: http://127.0.0.1:${standIn.port}
      auth: { scheme: x-api-key, secret: { env: ANTHROPIC_API_KEY } }
`,
    );
    await Deno.writeTextFile(
      join(world.dir, "agents", "coder.md"),
      "---\nprovider: claude\nbottle: agents\n---\nYou are a careful coder.\n",
    );
    const workspace = join(world.stateDir, "bottles", "agents", "workspace");
    try {
      const started = Date.now();
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Claude Code)");
      console.log(`apply with install: ${((Date.now() - started) / 1000).toFixed(1)}s`);

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
        assertMatch(results[0] ?? "", /^1000\b/m);
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
