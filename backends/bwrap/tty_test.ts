import assert from "node:assert/strict";
import type { SandboxHandle, SandboxSpec } from "../backend.ts";
import { findOnPath } from "../preflight.ts";
import { bwrapBackend } from "./backend.ts";
import { shellJoin } from "./shell.ts";
import { makeBottle, removeBottle } from "../testing.ts";
import { cli, LINUX, TEST_CLI } from "./test_helpers.ts";
import { waitForFile } from "../../tests/wait_for_file.ts";

const TMUX = LINUX ? findOnPath("tmux") : null;

Deno.test({
  name: "tty exec: a fresh pty from the host, status passed through",
  ignore: !LINUX,
  async fn(): Promise<void> {
    const bottle = makeBottle("tty");
    const handle = await bwrapBackend.start(bottle.spec);
    try {
      const result = await cli([
        "exec",
        JSON.stringify(handle),
        JSON.stringify(bottle.spec),
        JSON.stringify({ tty: true }),
        "sh",
        "-c",
        "test -t 0 && test -t 1 && echo tty-ok; echo TERM=$TERM; cut -d' ' -f7 /proc/self/stat; exit 5",
      ]);
      assert.equal(result.code, 5, result.stderr);
      const lines = result.stdout.replaceAll("\r", "").split("\n");
      assert.equal(lines[0], "tty-ok");
      assert.equal(lines[1], "TERM=xterm-256color");
      assert.notEqual(Number(lines[2]), 0, "the pty is its controlling terminal");
    } finally {
      await bwrapBackend.stop(handle);
      removeBottle(bottle);
    }
  },
});

Deno.test({
  name:
    "tty exec under a real terminal: resizes propagate, the operator's tty cannot be typed into",
  ignore: TMUX === null,
  async fn(): Promise<void> {
    const tmux = TMUX ?? "tmux";
    const server = `bottle-test-${crypto.randomUUID()}`;
    const bottle = makeBottle("term");
    const { spec } = bottle;
    const handle = await bwrapBackend.start(spec);
    const ws = spec.workspaceDir;
    const tmuxRun = async (...args: string[]): Promise<void> => {
      const output = await new Deno.Command(tmux, {
        args: ["-L", server, "-f", "/dev/null", ...args],
      })
        .output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    };
    try {
      const sizeLoop = "i=0; while [ $i -lt 200 ] && [ ! -e /workspace/stop ]; do " +
        "stty size > /workspace/size.tmp && mv /workspace/size.tmp /workspace/size; " +
        "sleep 0.05; i=$((i+1)); done";
      await tmuxRun(
        "new-session",
        "-d",
        "-s",
        "resize",
        "-x",
        "100",
        "-y",
        "30",
        execLine(handle, spec, true, ["sh", "-c", sizeLoop]),
      );
      assert.equal(await waitForFile(`${ws}/size`, "30 100\n"), "30 100\n");
      await tmuxRun("resize-window", "-t", "resize", "-x", "120", "-y", "40");
      assert.equal(await waitForFile(`${ws}/size`, "40 120\n"), "40 120\n");
      Deno.writeTextFileSync(`${ws}/stop`, "");

      // Without a TTY, the command runs in a session of its own: the operator's terminal is
      // on its stdin but is not its controlling terminal, so TIOCSTI (0x5412) is refused.
      const inject = "my $c = 'x'; if (ioctl(STDIN, 0x5412, $c)) { print \"INJECTED\\n\" } " +
        'else { print "DENIED $!\\n" }';
      const probe = `perl -e ${shellJoin([inject])} > /workspace/sti 2>&1; ` +
        "cut -d' ' -f7 /proc/self/stat > /workspace/ttynr";
      await tmuxRun(
        "new-session",
        "-d",
        "-s",
        "inject",
        execLine(handle, spec, false, ["sh", "-c", probe]),
      );
      assert.equal(await waitForFile(`${ws}/sti`), "DENIED Operation not permitted\n");
      assert.equal(await waitForFile(`${ws}/ttynr`), "0\n");
    } finally {
      await new Deno.Command(tmux, { args: ["-L", server, "kill-server"], stderr: "null" })
        .output();
      await bwrapBackend.stop(handle);
      removeBottle(bottle);
    }
  },
});

function execLine(handle: SandboxHandle, spec: SandboxSpec, tty: boolean, argv: string[]): string {
  return shellJoin([
    Deno.execPath(),
    "run",
    "-A",
    "--quiet",
    TEST_CLI,
    "exec",
    JSON.stringify(handle),
    JSON.stringify(spec),
    JSON.stringify({ tty }),
    ...argv,
  ]);
}
