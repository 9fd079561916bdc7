import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch, assertThrows } from "../tests/assert.ts";
import { acquireLock } from "./lock.ts";
import { StateStore } from "./state.ts";
import { backupState, checkFile, restoreState } from "./state_backup.ts";
import { breakDatabase, seededStateDir } from "./state_fixtures.ts";

Deno.test("state backup: the last good copy and the one before, mode 0600, unlocked", async () => {
  const dir = await seededStateDir(5);
  const store = new StateStore(dir);
  try {
    const lock = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
    assertEquals(backupState(store), join(dir, "state.db.bak"));
    lock.release();
    assertEquals(statSync(join(dir, "state.db.bak")).mode & 0o777, 0o600);
    assertEquals(checkFile(join(dir, "state.db.bak")).resources, 5);
    store.remove("file.r0");
    backupState(store);
    assertEquals(checkFile(join(dir, "state.db.bak")).resources, 4);
    assertEquals(checkFile(join(dir, "state.db.bak.1")).resources, 5);
    const backup = new StateStore(join(dir, "restored"));
    backup.close();
    restoreState(join(dir, "restored", "state.db"), join(dir, "state.db.bak"));
    const restored = new StateStore(join(dir, "restored"));
    try {
      // The lock row of the command that made the copy is not in it.
      await acquireLock(restored, { holder: "next", timeoutMs: 0 });
      assertEquals(restored.all().length, 4);
    } finally {
      restored.close();
    }
  } finally {
    store.close();
  }
});

Deno.test("state backup: an emptied database never rotates the last good copy away", async () => {
  const dir = await seededStateDir(5);
  const first = new StateStore(dir);
  backupState(first);
  first.close();
  breakDatabase(dir, "deleted");
  const emptied = new StateStore(dir);
  try {
    assertEquals(backupState(emptied), null);
    assertEquals(backupState(emptied), null);
    assertEquals(checkFile(join(dir, "state.db.bak")).resources, 5);
    assertEquals(existsSync(join(dir, "state.db.bak.1")), false);
  } finally {
    emptied.close();
  }
});

Deno.test("state restore: puts a checked copy in place and keeps the replaced database", async () => {
  const dir = await seededStateDir(3);
  const store = new StateStore(dir);
  backupState(store);
  store.close();
  breakDatabase(dir, "header");
  const result = restoreState(join(dir, "state.db"), join(dir, "state.db.bak"));
  assertEquals(result.restored.resources, 3);
  assert_(result.keptAs && existsSync(result.keptAs));
  const restored = new StateStore(dir);
  assertEquals(restored.all().length, 3);
  restored.close();
  assertEquals(readdirSync(dir).filter((name) => name.includes("restore-")), []);
});

Deno.test("state restore: refuses a missing or corrupt copy, saying which", async () => {
  const dir = await seededStateDir(3);
  assertMatch(
    assertThrows(() => restoreState(join(dir, "state.db"), join(dir, "state.db.bak"))).message,
    /no backup at .*state\.db\.bak/,
  );
  const other = await seededStateDir(2);
  breakDatabase(other, "half");
  assertMatch(
    assertThrows(() => restoreState(join(dir, "state.db"), join(other, "state.db"))).message,
    /is not a good copy/,
  );
  const store = new StateStore(dir);
  assertEquals(store.all().length, 3);
  store.close();
});
