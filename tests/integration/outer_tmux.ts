/**
 * An operator's terminal for attach tests: a tmux server of the test's own on the host whose
 * one window (`outer`) runs a shell script; the test types into it and reads its screen.
 */
import { findOnPath } from "../../backends/preflight.ts";
import { assertEquals } from "../assert.ts";
import { poll } from "../../lib/wait.ts";
import { runOutput } from "../../lib/command.ts";

export const TMUX = Deno.build.os === "linux" ? findOnPath("tmux") : null;

export class OuterTmux {
  private readonly server = `bottle-attach-test-${crypto.randomUUID().slice(0, 8)}`;

  /** Starts the window, `width`x`height`, running `script` with `sh -c` in `cwd`. */
  async start(script: string, cwd: string, width = 100, height = 30): Promise<void> {
    await this.tmux(
      "new-session",
      "-d",
      "-s",
      "outer",
      "-x",
      String(width),
      "-y",
      String(height),
      "-c",
      cwd,
      "sh",
      "-c",
      script,
    );
  }

  async tmux(...args: string[]): Promise<string> {
    const output = await runOutput(TMUX ?? "tmux", ["-L", this.server, "-f", "/dev/null", ...args]);
    assertEquals(output.code, 0, `tmux ${args.join(" ")}: ${output.stderr}`);
    return output.stdout;
  }

  async keys(...keys: string[]): Promise<void> {
    await this.tmux("send-keys", "-t", "outer", ...keys);
  }

  /** Polls the screen (up to `seconds`) until `pattern` shows; returns the screen. */
  async shows(pattern: RegExp, seconds = 10): Promise<string> {
    let screen = "";
    const shown = await poll(async () => {
      screen = await this.tmux("capture-pane", "-p", "-t", "outer");
      return pattern.test(screen);
    }, { timeoutMs: seconds * 1000, intervalMs: 100 });
    if (!shown) throw new Error(`the screen never showed ${pattern}:\n${screen}`);
    return screen;
  }

  async kill(): Promise<void> {
    await new Deno.Command(TMUX ?? "tmux", {
      args: ["-L", this.server, "kill-server"],
      stderr: "null",
    }).output();
  }
}
