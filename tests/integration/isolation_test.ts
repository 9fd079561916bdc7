/**
 * Attacks between a bottle and its surroundings: host processes are invisible and cannot be
 * signalled; another bottle's files, door and proxy are out of reach; the bundle's own
 * files (policy, secrets, CA key, logs) are not in the sandbox.
 */
import { join } from "node:path";
import { assert_, assertEquals } from "../assert.ts";
import { expectCode, testBackend, World } from "./harness.ts";

Deno.test("isolation: host processes, another bottle and the bundle's files are out of reach", async (t) => {
  const world = await World.create();
  await world.writeBottle("alpha", "egress:\n  allow: [example.com]");
  await world.writeBottle("beta", "egress:\n  allow: [example.com]");
  const inAlpha = (script: string) => world.cli(["exec", "alpha", "--", "sh", "-c", script]);
  const beta = join(world.stateDir, "bottles", "beta");
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply two bottles");
    await Deno.writeTextFile(join(beta, "workspace", "beta-marker.txt"), "beta's work\n");

    await t.step("host processes are invisible and cannot be signalled", async () => {
      const pids = await inAlpha("ls /proc | grep -E '^[0-9]+$' | tr '\\n' ' '");
      const inside = pids.stdout.trim().split(" ").map(Number);
      assert_(inside.length < 12, `the sandbox sees ${inside.length} processes: ${pids.stdout}`);
      assert_(Math.max(...inside) < 100, `pids inside are the sandbox's own: ${pids.stdout}`);
      const signal = await inAlpha(`kill -0 ${Deno.pid} 2>&1; echo rc=$?`);
      assert_(/rc=[1-9]/.test(signal.stdout), `kill -0 on a host pid must fail: ${signal.stdout}`);
    });

    await t.step("another bottle's workspace, door and state are not in the sandbox", async () => {
      const found = await inAlpha(
        `grep -rsl "beta's work" /workspace /home /tmp /run /etc 2>/dev/null; ` +
          `ls ${beta} 2>&1 | head -1; test -S /run/bottle/egress.sock && echo own-door`,
      );
      const lines = found.stdout.trim().split("\n");
      assert_(!lines.some((line) => line.includes("beta-marker")), found.stdout);
      assert_(
        lines.some((line) => /No such file/.test(line)),
        `beta's dir is visible: ${found.stdout}`,
      );
      // On docker only the door's container holds the sockets; the agent's has none.
      if (testBackend() === "bwrap") assertEquals(lines.at(-1), "own-door");
      else assert_(!lines.includes("own-door"), found.stdout);
    });

    await t.step("the bundle's files are not in the sandbox", async () => {
      const names = "-name policy.json -o -name secrets.json -o -name ca.key -o -name egress.jsonl";
      const files = await inAlpha(
        `find / \\( -path /proc -o -path /sys -o -path /usr \\) -prune -o \\( ${names} \\) -print 2>/dev/null; true`,
      );
      assertEquals(files.stdout.trim(), "");
    });

    await t.step(
      "another bottle's proxy port is its own loopback, not reachable from here",
      async () => {
        const betaPid = await world.cli(["exec", "beta", "--", "sh", "-c", "echo $$"]);
        expectCode(betaPid, 0, "exec in beta");
        const alphaNet = await inAlpha("readlink /proc/self/ns/net");
        const betaNet = await world.cli(["exec", "beta", "--", "readlink", "/proc/self/ns/net"]);
        assert_(
          alphaNet.stdout.trim() !== betaNet.stdout.trim(),
          "bottles must not share a network namespace",
        );
      },
    );
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});
