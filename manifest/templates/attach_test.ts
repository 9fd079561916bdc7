import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { buildAttachArgv, DETACH_KEY, tmuxSocketName } from "./attach.ts";
import { fillArgv } from "./types.ts";
import { CLAUDE_TEMPLATE } from "./claude.ts";

Deno.test("attach: the template's argv gets the prompt file; resume adds --continue", () => {
  const values = { prompt_file: "/home/agent/p.md" };
  const tail = ["--append-system-prompt-file", "/home/agent/p.md"];
  assertEquals(fillArgv(CLAUDE_TEMPLATE.attachArgv, values).slice(0, 3), ["claude", ...tail]);
  assertEquals(fillArgv(CLAUDE_TEMPLATE.resumeArgv, values).slice(0, 4), [
    "claude",
    "--continue",
    ...tail,
  ]);
  assertEquals(fillArgv(["sh", "{prompt}"], values), ["sh", "{prompt}"]);
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
