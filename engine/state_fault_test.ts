/** State-fault tests: a state database that is corrupt, cut short, gone, read-only or full. */
import { join } from "node:path";
import { assert_, assertEquals, assertMatch, assertThrows } from "../tests/assert.ts";
import { StateStore } from "./state.ts";
import { StateLookup } from "./state_lookup.ts";
import { StateError } from "./state_errors.ts";
import { assertNoUnrecordedBottles } from "./state_health.ts";
import {
  breakDatabase,
  IS_ROOT,
  liveBottle,
  mountTmpfs,
  remountReadOnly,
  seededStateDir,
} from "./state_fixtures.ts";

/** Opens a lookup, reads from it and closes it whatever happens. */
function lookUp(dir: string): void {
  let lookup: StateLookup | null = null;
  try {
    lookup = new StateLookup(dir);
    lookup.ofType("file");
  } finally {
    lookup?.close();
  }
}

function stateErrorOf(fn: () => unknown): StateError {
  const error = assertThrows(fn);
  assert_(error instanceof StateError, `not a StateError: ${error.stack}`);
  return error;
}

for (const how of ["header", "half"] as const) {
  Deno.test(`state faults: a database ${how === "header" ? "with garbage in its header" : "truncated to half"} is named corrupt, with the file and what to do`, async () => {
    const dir = await seededStateDir();
    breakDatabase(dir, how);
    const path = join(dir, "state.db");
    for (const open of [() => new StateStore(dir), () => lookUp(dir)]) {
      const error = stateErrorOf(open);
      assertEquals(error.problem, "corrupt");
      assertMatch(error.message, new RegExp(`${path} is corrupt`));
      assertMatch(error.hint, /bottle state restore|move it aside/);
    }
  });
}

for (const how of ["zero", "deleted"] as const) {
  Deno.test(`state faults: a database ${how === "zero" ? "truncated to zero" : "deleted"} while a bottle runs is reported, not read as empty`, async () => {
    const dir = await seededStateDir();
    breakDatabase(dir, how);
    const bottle = liveBottle(dir, "b1");
    try {
      const store = new StateStore(dir);
      try {
        assertEquals(store.all(), []);
        const error = stateErrorOf(() => assertNoUnrecordedBottles(store, "planning"));
        assertEquals(error.problem, "unrecorded");
        assertMatch(error.message, /b1 are running .* has no record of them/);
        assertMatch(error.hint, /state restore|state adopt/);
      } finally {
        store.close();
      }
      assertEquals(new StateLookup(dir).isEmpty(), true);
    } finally {
      await bottle.stop();
    }
  });
}

Deno.test("state faults: a database with no bottles running and no rows is simply empty", async () => {
  const dir = await seededStateDir();
  breakDatabase(dir, "zero");
  const store = new StateStore(dir);
  assertNoUnrecordedBottles(store, "planning");
  store.close();
});

Deno.test("state: when a transaction fails, its own error wins over the ROLLBACK's", async () => {
  const store = new StateStore(await Deno.makeTempDir());
  try {
    const error = assertThrows(() =>
      store.transaction(() => {
        // SQLite ends the transaction itself on some failures (a full disk); so does this.
        store.db.exec("COMMIT");
        throw new Error("the original failure");
      })
    );
    assertEquals(error.message, "the original failure");
    assertEquals(store.db.isTransaction, false);
  } finally {
    store.close();
  }
});

Deno.test({
  name: "state faults: a full disk is named as such, with the path (root: mounts a 1 MiB tmpfs; " +
    "skipped when not root)",
  ignore: !IS_ROOT,
  async fn(): Promise<void> {
    const tmpfs = await mountTmpfs("1m");
    try {
      const dir = join(tmpfs.dir, "state");
      const store = new StateStore(dir);
      try {
        const error = stateErrorOf(() => {
          for (let i = 0; i < 2000; i++) {
            store.upsert({
              id: `file.r${i}`,
              type: "file",
              bottle: "b",
              project: "/p",
              inputs: { body: "x".repeat(4000) },
              outputs: null,
              dependsOn: [],
              replaceWith: [],
              status: "ready",
              error: null,
            });
          }
        });
        assertEquals(error.problem, "full");
        assertMatch(
          error.message,
          new RegExp(`disk holding the state database ${dir}/state.db is full`),
        );
        assertMatch(error.hint, /free space/);
      } finally {
        store.close();
      }
    } finally {
      tmpfs.unmount();
    }
  },
});

Deno.test({
  name: "state faults: a read-only state dir is named as such, with the path (root: mounts a " +
    "tmpfs and remounts it read-only; skipped when not root)",
  ignore: !IS_ROOT,
  async fn(): Promise<void> {
    const tmpfs = await mountTmpfs("4m");
    try {
      const dir = join(tmpfs.dir, "state");
      new StateStore(dir).close();
      remountReadOnly(tmpfs.dir);
      for (const open of [() => new StateStore(dir), () => lookUp(dir)]) {
        const error = stateErrorOf(open);
        assertEquals(error.problem, "readonly");
        assertMatch(error.message, new RegExp(`${dir}/state.db is read-only`));
      }
    } finally {
      tmpfs.unmount();
    }
  },
});
