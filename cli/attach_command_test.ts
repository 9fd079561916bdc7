import { join } from "node:path";
import { assertEquals } from "../tests/assert.ts";
import { hasConversation } from "./attach_command.ts";

Deno.test("attach --continue: a conversation is a *.jsonl file in the sessions directory", () => {
  const dir = Deno.makeTempDirSync({ prefix: "bb-attach-" });
  try {
    assertEquals(hasConversation(join(dir, "missing")), false);
    assertEquals(hasConversation(dir), false);
    Deno.writeTextFileSync(join(dir, "notes.txt"), "");
    assertEquals(hasConversation(dir), false);
    Deno.writeTextFileSync(join(dir, "0b6c.jsonl"), "{}\n");
    assertEquals(hasConversation(dir), true);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("attach --continue: Codex's rollouts, nested by date, count", () => {
  const dir = Deno.makeTempDirSync({ prefix: "bb-attach-" });
  try {
    Deno.mkdirSync(join(dir, "2026", "11", "23"), { recursive: true });
    assertEquals(hasConversation(dir), false);
    Deno.mkdirSync(join(dir, "2026", "11", "24.jsonl"));
    assertEquals(hasConversation(dir), false, "a directory is not a conversation");
    Deno.writeTextFileSync(join(dir, "2026", "11", "23", "rollout-2026-11-23T07-41.jsonl"), "{}\n");
    assertEquals(hasConversation(dir), true);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
