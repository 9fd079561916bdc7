/**
 * Crash safety: kill -9 the apply at every step boundary (after the step is journalled,
 * and after its side effect but before the commit), then apply again: it must converge
 * with exactly one sandbox and one bundle, and destroy must leave nothing.
 */
import { assert_, assertEquals } from "../assert.ts";
import { StateStore } from "../../engine/state.ts";
import { expectCode, isBwrap, parentOf, World } from "./harness.ts";

const RESOURCES = [
  "bottle_dir",
  "door",
  "workspace",
  "egress_policy",
  "ca",
  "trust_store",
  "egress_secrets",
  "sidecar_bundle",
  "sandbox",
  "gitconfig",
];

function countByKind(world: World): { bwrap: number; supervisor: number } {
  let bwrap = 0;
  let supervisor = 0;
  for (const pid of world.processes()) {
    const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
    if (/^(\S*\/)?bwrap /.test(cmdline) && !isBwrap(parentOf(pid))) bwrap++;
    if (cmdline.includes("sidecars/bundle/supervisor.pl")) supervisor++;
  }
  return { bwrap, supervisor };
}

Deno.test("crash safety: kill -9 at each step boundary, then apply converges with no orphans", async (t) => {
  for (const type of RESOURCES) {
    for (const boundary of ["begin", "end"]) {
      await t.step(`${type}:${boundary}`, async () => {
        const world = await World.create();
        await world.writeBottle("crash", "egress:\n  allow: [example.com]");
        try {
          const crashed = await world.cli(["apply", "--yes"], {
            BOT_BOTTLE_TEST_CRASH_AT: `${type}.crash:${boundary}`,
          });
          assertEquals(
            crashed.signal,
            "SIGKILL",
            `apply should have been killed:\n${crashed.stdout}`,
          );
          const again = await world.cli(["apply", "--yes"]);
          expectCode(again, 0, "apply after the crash");
          expectCode(await world.cli(["plan", "--detailed-exitcode"]), 0, "plan after recovery");
          const store = new StateStore(world.stateDir);
          const records = store.all();
          store.close();
          assertEquals(records.length, RESOURCES.length);
          assert_(records.every((r) => r.status === "ready"), "every record ready");
          assertEquals(countByKind(world), { bwrap: 1, supervisor: 1 });
        } finally {
          expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
          assertEquals(world.processes(), []);
        }
      });
    }
  }
});
