import { assertEquals } from "../tests/assert.ts";
import { callerDir } from "./caller_dir.ts";

Deno.test("caller dir: under `deno task` (cwd = the checkout) it is INIT_CWD", () => {
  assertEquals(callerDir("/src/bot-bottle", "/home/me/bots", "/src/bot-bottle"), "/home/me/bots");
});

Deno.test("caller dir: a process elsewhere ignores an inherited INIT_CWD", () => {
  assertEquals(callerDir("/tmp/world", "/src/bot-bottle", "/src/bot-bottle"), "/tmp/world");
  assertEquals(callerDir("/src/bot-bottle", "", "/src/bot-bottle"), "/src/bot-bottle");
});
