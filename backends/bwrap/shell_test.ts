import assert from "node:assert/strict";
import { shellJoin, shellQuote } from "./shell.ts";

Deno.test("quoted words reach the command unchanged", async () => {
  const words = [
    "plain",
    "",
    "two words",
    "it's",
    "$(id)",
    "`id`",
    "a\nb",
    "*",
    "-x",
    "é ü",
    '"q"',
  ];
  const output = await new Deno.Command("/bin/sh", {
    args: ["-c", `printf '%s\\0' ${shellJoin(words)}`],
  }).output();
  assert.deepEqual(new TextDecoder().decode(output.stdout).split("\0").slice(0, -1), words);
  assert.equal(shellQuote("/usr/bin/socat"), "/usr/bin/socat");
});
