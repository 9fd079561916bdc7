import assert from "node:assert/strict";
import { hookReply, hookScript, parseHookRequest } from "./hook_script.ts";

const O = "0".repeat(40);
const N = "1".repeat(40);

Deno.test("hook: request parsing", () => {
  const parsed = parseHookRequest(
    `env GIT_DIR=.\nenv BOT_BOTTLE_GATE_PUSH=abc\nref ${O} ${N} refs/heads/a\nend\n`,
  );
  assert.deepEqual(parsed, {
    env: { GIT_DIR: ".", BOT_BOTTLE_GATE_PUSH: "abc" },
    updates: [{ old: O, new: N, ref: "refs/heads/a" }],
  });
  assert.equal(parseHookRequest(`ref ${O} ${N} refs/heads/a\n`), null);
  assert.equal(parseHookRequest(`ref ${O} zz refs/heads/a\nend\n`), null);
});

Deno.test("hook: reply lines", () => {
  assert.equal(hookReply(["a\nb", "c"], 1), "msg a\nmsg b\nmsg c\nexit 1\n");
});

Deno.test("hook: the perl script compiles and quotes the gate directory", async () => {
  const script = hookScript("/tmp/it's \\ odd");
  assert.match(script, /chdir '\/tmp\/it\\'s \\\\ odd'/);
  const file = await Deno.makeTempFile({ suffix: ".pl" });
  try {
    await Deno.writeTextFile(file, script);
    const result = await new Deno.Command("perl", { args: ["-c", file], stderr: "piped" }).output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
  } finally {
    await Deno.remove(file);
  }
});
