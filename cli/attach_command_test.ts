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
