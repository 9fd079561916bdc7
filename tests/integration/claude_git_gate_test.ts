/**
 * The real Claude Code binary pushes a branch through the git gate: its Bash tool runs stock
 * `git push origin` in the bottle, the gate checks and forwards it to an SSH upstream on
 * 127.0.0.1 with a key Claude Code never sees, and the branch is upstream when the tool ends.
 */
import { dirname, join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { expectCode, standInEgress, World } from "./harness.ts";
import { operatorCheckout } from "./git_operator_checkout.ts";
import { startSshUpstream, upstreamRefs } from "./git_upstreams.ts";
import { startMessagesStandIn } from "./messages_standin.ts";

Deno.test({
  name: "claude: the real CLI pushes a branch through the git gate",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const ssh = await startSshUpstream();
    const base = await Deno.makeTempDir({ prefix: "bb-claude-gate-" });
    const checkout = await operatorCheckout(ssh, base);
    const standIn = startMessagesStandIn([
      "cd /workspace && git switch -q -c agent/claude && echo from-claude > claude.txt && " +
      "git add claude.txt && git commit -q -m 'claude: a file' && " +
      "git push origin agent/claude 2>&1; echo push-exit=$?; git rev-parse HEAD",
    ]);
    const world = await World.create({ ANTHROPIC_API_KEY: `sk-ant-test-${crypto.randomUUID()}` });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "gated",
      [
        `workspace: ${checkout}`,
        standInEgress("api.anthropic.com", standIn.port, "x-api-key", "ANTHROPIC_API_KEY"),
        "git:",
        "  app:",
        `    remote: ${ssh.url}`,
        `    credential: {file: ${ssh.privateKeyPath}}`,
        `    known_hosts: "${ssh.knownHostsLine}"`,
        "    protected_branches: [main]",
        "    push: {branches: ['agent/*']}",
      ].join("\n"),
    );
    await world.writeAgent("coder", "provider: claude\nbottle: gated", "You push branches.");
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      const ran = await world.cli(["run", "coder", "-p", "STANDIN-SCRIPT: push a branch"]);
      expectCode(ran, 0, "bottle run");
      const result = standIn.received.at(-1)?.toolResults?.[0] ?? "";
      assertMatch(result, /push-exit=0/);
      const head = result.trim().split("\n").at(-1) ?? "";
      assertEquals((await upstreamRefs(ssh.repoPath))["refs/heads/agent/claude"], head);
      assert_(!result.includes("PRIVATE KEY"), "no key in the tool's output");
    } finally {
      await world.cli(["destroy", "--yes"]);
      await standIn.close();
      await ssh.stop();
      await Deno.remove(base, { recursive: true }).catch(() => {});
    }
  },
});
