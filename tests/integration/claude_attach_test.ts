/**
 * `bottle attach` with the real Claude Code TUI: the operator's terminal is an outer tmux on
 * the host; the model is the Messages stand-in behind the bottle's egress proxy. The first
 * attach (`--continue` with nothing to resume) starts a fresh conversation with no dialog in
 * the way; after detaching and losing the session, `--continue` brings the conversation back.
 */
import { dirname, join } from "node:path";
import { shellJoin } from "../../backends/bwrap/shell.ts";
import { tmuxSocketName } from "../../manifest/templates/attach.ts";
import { assertEquals } from "../assert.ts";
import { expectCode, standInEgress, World } from "./harness.ts";
import { startMessagesStandIn } from "./messages_standin.ts";
import { OuterTmux, TMUX } from "./outer_tmux.ts";
import { waitForFile } from "../wait_for_file.ts";

Deno.test({
  name: "claude attach: the real TUI answers, detach keeps it, --continue resumes the talk",
  ignore: TMUX === null,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const standIn = startMessagesStandIn([]);
    const world = await World.create({ ANTHROPIC_API_KEY: `sk-ant-test-${crypto.randomUUID()}` });
    world.env.BOT_BOTTLE_CACHE_DIR = join(dirname(world.stateDir), "cache");
    await world.writeBottle(
      "tui",
      standInEgress("api.anthropic.com", standIn.port, "x-api-key", "ANTHROPIC_API_KEY"),
    );
    await world.writeAgent("coder", "provider: claude\nbottle: tui", "You are a terminal test.");
    const outer = new OuterTmux();
    const status1 = join(world.dir, "attach-1.status");
    const status2 = join(world.dir, "attach-2.status");
    const go = join(world.dir, "attach-again");
    const attach = world.shellCommand(["attach", "coder", "--continue"]);
    const script = `${attach}; echo $? > ${shellJoin([status1])}; ` +
      `while [ ! -e ${shellJoin([go])} ]; do sleep 0.1; done; clear; ` +
      `${attach}; echo $? > ${shellJoin([status2])}; sleep 60`;
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply (installs Claude Code)");
      await outer.start(script, world.dir, 120, 35);

      await t.step("the TUI opens with no dialog and the stand-in answers", async () => {
        await outer.shows(/bypass permissions on/, 30);
        await outer.keys("hello from the operator", "Enter");
        await outer.shows(/hi from standin/, 30);
      });

      await t.step("detaching exits 0; the fresh start was announced", async () => {
        await outer.keys("C-]");
        assertEquals(await waitForFile(status1), "0\n");
        await outer.shows(/no earlier conversation of "coder"; starting a fresh one/);
      });

      await t.step("with the session gone, --continue resumes the conversation", async () => {
        const kill = await world.cli([
          "exec",
          "tui",
          "--",
          "tmux",
          "-L",
          tmuxSocketName("coder"),
          "kill-server",
        ]);
        expectCode(kill, 0, "kill the tmux server inside the bottle");
        await Deno.writeTextFile(go, "");
        await outer.shows(/hello from the operator[\s\S]*hi from standin/, 30);
        await outer.keys("C-b", "d");
        assertEquals(await waitForFile(status2), "0\n");
      });
    } finally {
      await outer.kill();
      await world.cli(["destroy", "--yes"]);
      await standIn.close();
    }
  },
});
