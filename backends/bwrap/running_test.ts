import { assertEquals } from "../../tests/assert.ts";
import { doorRunDir, runningSandboxes } from "./running.ts";

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

/** A process whose argv is a bottle's outer bwrap's, in a pid namespace of its own or not. */
function fakeBwrap(runDir: string, nested: boolean): Deno.ChildProcess {
  const perl = 'exec { "/bin/sh" } "bwrap", "-c", "sleep 30; true", @ARGV';
  const fake = ["perl", "-e", perl, "--", "--bind", runDir, "/run/bottle"];
  const argv = nested ? ["unshare", "--user", "--map-root-user", "--pid", "--fork", ...fake] : fake;
  return new Deno.Command(argv[0], { args: argv.slice(1), stdout: "null", stderr: "null" })
    .spawn();
}

Deno.test({
  name: "running sandboxes: a process inside a bottle that calls itself bwrap is none of them",
  ignore: Deno.build.os !== "linux",
  async fn(): Promise<void> {
    const tag = `/fake-${crypto.randomUUID()}`;
    const host = fakeBwrap(`${tag}/host/run`, false);
    const nested = fakeBwrap(`${tag}/nested/run`, true);
    try {
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        found = runningSandboxes().map((s) => s.runDir).filter((dir) => dir.startsWith(tag));
      }
      assertEquals(found, [`${tag}/host/run`]);
    } finally {
      for (const child of [host, nested]) {
        try {
          child.kill("SIGKILL");
        } catch {
          // gone
        }
        await child.status;
      }
    }
  },
});
