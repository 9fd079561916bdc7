import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { buildAttachArgv, buildCliArgv, DETACH_KEY, tmuxSocketName } from "./attach.ts";
import { CLAUDE_TEMPLATE } from "./claude.ts";

Deno.test("attach: the template's argv gets the prompt file; --continue args go last", () => {
  const argv = buildCliArgv(CLAUDE_TEMPLATE.attachArgv, {
    prompt_file: "/home/agent/p.md",
    continueArgs: CLAUDE_TEMPLATE.continueArgs,
  });
  assertEquals(argv, [
    "claude",
    "--append-system-prompt-file",
    "/home/agent/p.md",
    "--permission-mode",
    "bypassPermissions",
    "--continue",
  ]);
  assertEquals(buildCliArgv(["sh"], { prompt_file: "/p", continueArgs: [] }), ["sh"]);
});

Deno.test("attach: tmux creates or re-attaches the agent's session on its own server", () => {
  assertEquals(buildAttachArgv("rev", ["sh", "-l"]), [
    "tmux",
    "-u",
    "-L",
    tmuxSocketName("rev"),
    "new-session",
    "-A",
    "-s",
    "rev",
    "-c",
    "/workspace",
    "--",
    "sh",
    "-l",
    ";",
    "set-option",
    "-t",
    "rev",
    "status",
    "off",
    ";",
    "bind-key",
    "-n",
    DETACH_KEY,
    "detach-client",
  ]);
  assertEquals(tmuxSocketName("rev"), "bot-bottle-rev");
});

Deno.test("attach: a bare ';' in the command would split tmux's commands and is refused", () => {
  assertThrows(() => buildAttachArgv("rev", ["sh", ";"]));
  assertThrows(() => buildAttachArgv("rev", []));
});
