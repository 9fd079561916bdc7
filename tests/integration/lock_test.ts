/** Two writers at once: one waits or fails naming the holder; state stays consistent. */
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { acquireLock } from "../../engine/lock.ts";
import { StateStore } from "../../engine/state.ts";
import { expectCode, isBwrap, parentOf, World } from "./harness.ts";

Deno.test("lock: an apply while another writer holds the lock fails naming it, or waits", async () => {
  const world = await World.create();
  await world.writeBottle("locked", "egress:\n  allow: [example.com]");
  const store = new StateStore(world.stateDir);
  const held = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
  try {
    const refused = await world.cli(["apply", "--yes"]);
    expectCode(refused, 1, "apply while locked");
    assertMatch(refused.stderr, new RegExp(`locked by \`apply\` \\(pid ${Deno.pid} `));
    assertMatch(refused.stderr, /force-unlock/);
    assertEquals(world.processes(), []);
    setTimeout(() => held.release(), 500);
    const waited = await world.cli(["apply", "--yes", "--lock-timeout", "20s"]);
    expectCode(waited, 0, "apply that waits for the lock");
    assertMatch(waited.stderr, /waiting for the state lock/);
  } finally {
    held.release();
    store.close();
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});

Deno.test("lock: two applies started together both converge on one bottle", async () => {
  const world = await World.create();
  await world.writeBottle("twice", "egress:\n  allow: [example.com]");
  try {
    const [a, b] = await Promise.all([
      world.cli(["apply", "--yes", "--lock-timeout", "30s"]),
      world.cli(["apply", "--yes", "--lock-timeout", "30s"]),
    ]);
    expectCode(a, 0, "first apply");
    expectCode(b, 0, "second apply");
    const sandboxes = world.processes().filter((pid) => isBwrap(pid) && !isBwrap(parentOf(pid)));
    assertEquals(sandboxes.length, 1);
    const noWait = await Promise.all([
      world.cli(["destroy", "--yes"]),
      world.cli(["destroy", "--yes"]),
    ]);
    for (const result of noWait) {
      assert_(result.code === 0 || /locked by `destroy`/.test(result.stderr), result.stderr);
    }
  } finally {
    await world.cli(["destroy", "--yes"]);
    assertEquals(world.processes(), []);
  }
});
