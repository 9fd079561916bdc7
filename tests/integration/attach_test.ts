/**
 * `bottle attach` under a real terminal: an outer tmux on the host (its own server, 100x30)
 * runs the CLI against an applied agent whose `attach_command` is `sh` (so no model is
 * needed; the Claude Code install is a stub in a scratch cache). Asserts the size follows
 * resizes, detaching leaves the session running and attaching again returns to it.
 */
import { dirname, join } from "node:path";
import { shellJoin } from "../../backends/bwrap/shell.ts";
import { CLAUDE_TEMPLATE } from "../../manifest/templates/claude.ts";
import { tmuxSocketName } from "../../manifest/templates/attach.ts";
import { assert_, assertEquals } from "../assert.ts";
import { agentUid, expectCode, World } from "./harness.ts";
import { OuterTmux, TMUX } from "./outer_tmux.ts";
import { waitForFile } from "../wait_for_file.ts";
import { sleep } from "../../lib/wait.ts";

Deno.test({
  name: "attach: a real pty that follows resizes; detach keeps the session; re-attach returns",
  ignore: TMUX === null,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const outer = new OuterTmux();
    const world = await World.create({ ANTHROPIC_API_KEY: "sk-ant-attach-test" });
    const cache = join(dirname(world.stateDir), "cache");
    world.env.BOT_BOTTLE_CACHE_DIR = cache;
    // A stub install: apply finds the binary and skips npm.
    const install = join(cache, `${CLAUDE_TEMPLATE.cacheName}@${CLAUDE_TEMPLATE.npm.version}`);
    await Deno.mkdir(join(install, CLAUDE_TEMPLATE.binDir), { recursive: true });
    await Deno.writeTextFile(join(install, CLAUDE_TEMPLATE.binary), "#!/bin/sh\nexit 0\n");
    await Deno.chmod(join(install, CLAUDE_TEMPLATE.binary), 0o755);
    await world.writeBottle("term", "env: { PS1: '$ ' }");
    await world.writeAgent(
      "coder",
      "provider: claude\nbottle: term\nattach_command: [sh]\n" +
        `run_command: [sh, -c, 'echo "got: $1 (uid $(id -u))"; exit 3', sh, "{prompt}"]`,
      "A test agent.",
    );
    const status1 = join(world.dir, "attach-1.status");
    const status2 = join(world.dir, "attach-2.status");
    const go = join(world.dir, "attach-again");
    const attach = world.shellCommand(["attach", "coder"]);
    const script = `${attach}; echo $? > ${shellJoin([status1])}; ` +
      `while [ ! -e ${shellJoin([go])} ]; do sleep 0.1; done; ` +
      `${attach}; echo $? > ${shellJoin([status2])}; sleep 30`;
    try {
      expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
      await outer.start(script, world.dir);

      await t.step(
        "bottle run passes the prompt to run_command and returns its status",
        async () => {
          const run = await world.cli(["run", "coder", "-p", "it's $HOME; a prompt"]);
          expectCode(run, 3, "bottle run");
          assertEquals(run.stdout, `got: it's $HOME; a prompt (uid ${agentUid()})\n`);
        },
      );

      await t.step("the session's pty has the operator's size at start", async () => {
        await outer.shows(/^\$\s*$/m); // capture-pane trims the prompt's space
        await outer.keys("MARK=kept-42; stty size", "Enter");
        await outer.shows(/^30 100$/m);
      });

      await t.step("a resize of the operator's terminal reaches it", async () => {
        await outer.tmux("resize-window", "-t", "outer", "-x", "120", "-y", "40");
        await sleep(300);
        await outer.keys("clear; stty size", "Enter");
        await outer.shows(/^40 120$/m);
      });

      await t.step("detaching ends the CLI with 0 and leaves the session running", async () => {
        await outer.keys("C-]");
        assertEquals(await waitForFile(status1), "0\n");
        const alive = await world.cli([
          "exec",
          "term",
          "--",
          "tmux",
          "-L",
          tmuxSocketName("coder"),
          "has-session",
          "-t",
          "coder",
        ]);
        expectCode(alive, 0, "tmux has-session inside the bottle");
      });

      await t.step("attaching again returns to the same shell", async () => {
        await Deno.writeTextFile(go, "");
        await outer.keys('echo "M=$MARK"', "Enter");
        const screen = await outer.shows(/^M=kept-42$/m);
        assert_(/^40 120$/m.test(screen), `the earlier output is gone:\n${screen}`);
        await outer.keys("C-b", "d");
        assertEquals(await waitForFile(status2), "0\n");
      });
    } finally {
      await outer.kill();
      await world.cli(["destroy", "--yes"]);
    }
  },
});
