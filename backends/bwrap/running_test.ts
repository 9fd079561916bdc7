import { assertEquals } from "../../tests/assert.ts";
import { doorRunDir } from "./running.ts";

Deno.test("running sandboxes: the door's run directory is read from bwrap's binds", () => {
  const plain = ["bwrap", "--bind", "/s/bottles/a/home", "/home/agent"];
  assertEquals(
    doorRunDir([...plain, "--ro-bind", "/s/bottles/a/run", "/run/bottle"]),
    "/s/bottles/a/run",
  );
  assertEquals(
    doorRunDir(["bwrap", "--ro-bind", "/run/bot-bottle/stage/s/bottles/a/run/2", "/run/bottle"]),
    "/s/bottles/a/run",
  );
  assertEquals(doorRunDir(plain), null, "no door: not a bottle's bwrap");
  assertEquals(doorRunDir(["bwrap", "--ro-bind", "/run/bottle", "/x"]), null);
});
