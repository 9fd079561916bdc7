import { join } from "node:path";
import { assertEquals } from "../tests/assert.ts";
import { giveToAgent, ownedTempDir } from "../tests/owned_dir.ts";
import { hasConversation } from "./agents.ts";

Deno.test("attach --continue: a conversation is a *.jsonl file in the sessions directory", async () => {
  const home = await ownedTempDir("bb-attach-");
  try {
    assertEquals(await hasConversation(home, "missing"), false);
    Deno.mkdirSync(join(home, "s"));
    await giveToAgent(home);
    assertEquals(await hasConversation(home, "s"), false);
    Deno.writeTextFileSync(join(home, "s", "notes.txt"), "");
    assertEquals(await hasConversation(home, "s"), false);
    Deno.writeTextFileSync(join(home, "s", "0b6c.jsonl"), "{}\n");
    assertEquals(await hasConversation(home, "s"), true);
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});

Deno.test("attach --continue: Codex's rollouts, nested by date, count", async () => {
  const home = await ownedTempDir("bb-attach-");
  const dir = join(home, "sessions");
  try {
    Deno.mkdirSync(join(dir, "2026", "11", "23"), { recursive: true });
    await giveToAgent(home);
    assertEquals(await hasConversation(home, "sessions"), false);
    Deno.mkdirSync(join(dir, "2026", "11", "24.jsonl"));
    assertEquals(await hasConversation(home, "sessions"), false, "a directory is not one");
    Deno.writeTextFileSync(join(dir, "2026", "11", "23", "rollout-2026-11-23T07-41.jsonl"), "{}\n");
    await giveToAgent(home);
    assertEquals(await hasConversation(home, "sessions"), true);
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});

Deno.test("attach --continue: a sessions directory that is a symlink is not followed", async () => {
  const home = await ownedTempDir("bb-attach-");
  const elsewhere = await Deno.makeTempDir({ prefix: "bb-attach-host-" });
  try {
    Deno.writeTextFileSync(join(elsewhere, "host.jsonl"), "{}\n");
    Deno.symlinkSync(elsewhere, join(home, "sessions"));
    Deno.mkdirSync(join(home, "up"));
    Deno.symlinkSync(elsewhere, join(home, "up", "link"));
    await giveToAgent(home);
    assertEquals(await hasConversation(home, "sessions"), false);
    assertEquals(await hasConversation(home, "up"), false);
  } finally {
    Deno.removeSync(home, { recursive: true });
    Deno.removeSync(elsewhere, { recursive: true });
  }
});
