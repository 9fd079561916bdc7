/**
 * A run killed in the middle of starting the sandbox or the bundle (after the process
 * exists, before its handle was written anywhere) leaves no orphan: the next apply finds
 * the processes by their bottle's door directory and adopts them.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { assertEquals } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import { expectCode, isBwrap, parentOf, World } from "./harness.ts";

function forgetHandles(world: World, bottle: string): void {
  const store = new StateStore(world.stateDir);
  try {
    for (const id of [`sandbox.${bottle}`, `sidecar_bundle.${bottle}`]) {
      const record = store.get(id)!;
      store.upsert({ ...record, outputs: null, status: "creating" });
    }
  } finally {
    store.close();
  }
  rmSync(join(world.stateDir, "bottles", bottle, "sandbox.json"), { force: true });
  rmSync(join(world.stateDir, "bottles", bottle, "bundle.json"), { force: true });
}

function sandboxCount(world: World): number {
  return world.processes().filter((pid) => isBwrap(pid) && !isBwrap(parentOf(pid))).length;
}

Deno.test("orphans: processes whose handles were never recorded are adopted, not duplicated", async () => {
  const world = await World.create();
  await world.writeBottle("orphan", "egress:\n  allow: [example.com]");
  try {
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply");
    forgetHandles(world, "orphan");
    const drift = await world.cli(["drift"]);
    assertEquals(/interrupted/.test(drift.stdout), true, drift.stdout);
    expectCode(await world.cli(["apply", "--yes"]), 0, "apply after the simulated crash");
    assertEquals(sandboxCount(world), 1);
    expectCode(await world.cli(["exec", "orphan", "--", "true"]), 0, "exec in the adopted sandbox");
    expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "nothing left to do");
    forgetHandles(world, "orphan");
  } finally {
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy with forgotten handles");
    assertEquals(world.processes(), []);
  }
});
