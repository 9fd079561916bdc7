/**
 * The door survives anything the agent does, and what the operator's machine does to it is
 * drift that apply repairs: `kill -9 -1` inside leaves the way out open; a keeper killed on
 * the host shows in `drift` and in `list`, and `apply` restarts it without replacing the
 * sandbox (the agent's processes keep running).
 */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { expectCode, testBackend, World } from "./harness.ts";
import type { SandboxHandle } from "../../backends/backend.ts";
import { signalGroupIfAlive } from "../../lib/process.ts";
import { sleep } from "../../lib/wait.ts";

const PROBE = "curl -sS -o /dev/null -w '%{http_code}' --max-time 5 http://denied.example/";

Deno.test("door: kill -9 -1 inside cannot close it; a dead keeper is drift that apply repairs", async (t) => {
  const world = await World.create();
  await world.writeBottle("dev", "egress:\n  allow: [allowed.example]");
  const inside = (script: string) => world.cli(["exec", "dev", "--", "sh", "-c", script]);
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");

    await t.step("kill -9 -1 from inside: the proxy still answers, nothing drifted", async () => {
      const before = await inside(PROBE);
      assertEquals(before.stdout, "403");
      await inside("sleep 300 & kill -9 -1; true");
      const after = await inside(PROBE);
      assertEquals(after.stdout, "403", `the door is gone: ${after.stderr}`);
      expectCode(await world.cli(["drift"]), 0, "drift after kill -9 -1");
    });

    await t.step("a keeper killed on the host is drift; apply repairs it in place", async () => {
      const handlePath = join(world.stateDir, "bottles", "dev", "sandbox.json");
      const handle: SandboxHandle = JSON.parse(Deno.readTextFileSync(handlePath));
      assert_(handle.door !== undefined, "the handle records the door's keeper");
      const sleeper = await inside("sleep 600 >/dev/null 2>&1 & echo $!");
      assert_(handle.door !== undefined && signalGroupIfAlive(handle.door, "SIGKILL"));
      await sleep(300);

      const drift = await world.cli(["drift"]);
      expectCode(drift, 2, "drift with a dead door");
      assert_(/door/.test(drift.stdout), drift.stdout);
      const list = await world.cli(["list"]);
      assert_(
        new RegExp(`dev\\s+${testBackend()}\\s+drifted\\s`).test(list.stdout),
        list.stdout,
      );
      const down = await inside(PROBE);
      assert_(down.stdout !== "403", "with the keeper gone nothing forwards");

      const apply = await world.cli(["apply", "--yes"]);
      expectCode(apply, 0, "apply repairs");
      assert_(/~ sandbox\.dev/.test(apply.stdout), `an in-place update: ${apply.stdout}`);
      assertEquals((await inside(PROBE)).stdout, "403");
      expectCode(await world.cli(["drift"]), 0, "no drift after the repair");
      const alive = await inside(`kill -0 ${sleeper.stdout.trim()} && echo alive`);
      assertEquals(alive.stdout.trim(), "alive", "the sandbox was not replaced");
    });

    await t.step(
      "the agent squatting the door's port is drift; apply restarts the bottle",
      async () => {
        const handlePath = join(world.stateDir, "bottles", "dev", "sandbox.json");
        const handle: SandboxHandle = JSON.parse(Deno.readTextFileSync(handlePath));
        assert_(handle.door !== undefined && signalGroupIfAlive(handle.door, "SIGKILL"));
        await sleep(300);
        const fake = "HTTP/1.1 403 Forbidden\\r\\nX-Bot-Bottle-Reason: fake\\r\\n\\r\\n";
        await inside(
          `setsid socat TCP-LISTEN:3128,bind=127.0.0.1,reuseaddr,fork SYSTEM:'printf "${fake}"' ` +
            ">/dev/null 2>&1 < /dev/null & sleep 0.3",
        );
        const drift = await world.cli(["drift"]);
        expectCode(drift, 2, "drift with a squatted door");
        assertMatch(drift.stdout, /held by a process inside the bottle/);
        expectCode(await world.cli(["apply", "--yes"]), 0, "apply replaces the squatted bottle");
        expectCode(await world.cli(["drift"]), 0, "no drift after");
        const proxied = await inside(
          "curl -sS -i --max-time 5 http://denied.example/ | grep -i reason",
        );
        assert_(!/fake/.test(proxied.stdout), proxied.stdout);
        assertMatch(proxied.stdout, /X-Bot-Bottle-Reason/i);
      },
    );
  } finally {
    await world.cli(["destroy", "--yes"]);
  }
});
