/**
 * State faults with a real bwrap bottle running: a deleted state database is reported and
 * the running bottle adopted (kept, not restarted); an exec whose bottle is destroyed
 * while it runs says so.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { assertEquals, assertMatch } from "../assert.ts";
import { expectCode, World } from "./harness.ts";
import { sleep } from "../../lib/wait.ts";

function sandboxInit(world: World, bottle: string): number {
  const handle = JSON.parse(
    readFileSync(join(world.stateDir, "bottles", bottle, "sandbox.json"), "utf8"),
  ) as { init: { pid: number } };
  return handle.init.pid;
}

Deno.test("state faults (real bottle): a deleted database is reported, then the bottle adopted", async () => {
  const world = await World.create();
  await world.writeBottle("kept", "egress:\n  allow: [example.com]");
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    const before = sandboxInit(world, "kept");
    for (const suffix of ["", "-wal", "-shm"]) {
      rmSync(join(world.stateDir, `state.db${suffix}`), { force: true });
    }
    const plan = await world.cli(["plan"]);
    expectCode(plan, 1, "plan without records while the bottle runs");
    assertMatch(plan.stderr, /kept are running .* has no record of them/);
    const drift = await world.cli(["drift"]);
    expectCode(drift, 1, "drift without records while the bottle runs");
    const exec = await world.cli(["exec", "kept", "--", "true"]);
    expectCode(exec, 1, "exec without records");
    assertMatch(exec.stderr, /has no record of them/);

    expectCode(await world.cli(["state", "adopt"]), 0, "adopt");
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply after adopting");
    expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "nothing left to do");
    assertEquals(sandboxInit(world, "kept"), before, "the sandbox was kept, not restarted");
    expectCode(await world.cli(["exec", "kept", "--", "true"]), 0, "exec in the adopted bottle");
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    assertEquals(world.processes(), []);
  }
});

Deno.test("state faults (real bottle): an exec killed by destroy says the bottle went away", async () => {
  const world = await World.create();
  await world.writeBottle("doomed", "egress:\n  allow: [example.com]");
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    const exec = world.cli(["exec", "doomed", "--", "sleep", "60"]);
    await sleep(1500);
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy while exec runs");
    const result = await exec;
    assertEquals(result.code > 128, true, `exit ${result.code}: ${result.stderr}`);
    assertMatch(result.stderr, /bottle "doomed" was stopped or destroyed while it ran/);
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});
