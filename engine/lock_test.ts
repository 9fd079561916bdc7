import { assert_, assertEquals, assertRejects } from "../tests/assert.ts";
import { acquireLock, forceUnlock, LockError, readHolder } from "./lock.ts";
import { StateStore } from "./state.ts";

Deno.test("lock: a second writer fails naming the holder, then waits with a timeout", async () => {
  const dir = await Deno.makeTempDir();
  const first = new StateStore(dir);
  const second = new StateStore(dir);
  const held = await acquireLock(first, { holder: "apply", timeoutMs: 0 });
  const error = await assertRejects(
    () => acquireLock(second, { holder: "destroy", timeoutMs: 0 }),
    /state is locked by `apply` \(pid \d+ on .*\).*force-unlock/s,
  );
  assert_(error instanceof LockError);
  setTimeout(() => held.release(), 150);
  const started = Date.now();
  const later = await acquireLock(second, { holder: "destroy", timeoutMs: 3000 });
  assert_(Date.now() - started >= 100);
  assertEquals(readHolder(second)?.holder, "destroy");
  later.release();
  assertEquals(readHolder(first), null);
});

Deno.test("lock: a holder whose process is gone is stale and taken over", async () => {
  const store = new StateStore(await Deno.makeTempDir());
  const child = new Deno.Command("true").spawn();
  await child.status;
  store.db.prepare(
    "INSERT INTO lock (id, holder, pid, start_time, host, acquired_at) VALUES (1, 'apply', ?, 1, ?, 'x')",
  ).run(child.pid, (await import("node:os")).hostname());
  const lock = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
  assertEquals(readHolder(store)?.pid, Deno.pid);
  lock.release();
});

Deno.test("lock: force-unlock removes any holder and reports it", async () => {
  const store = new StateStore(await Deno.makeTempDir());
  await acquireLock(store, { holder: "apply", timeoutMs: 0 });
  assertEquals(forceUnlock(store)?.holder, "apply");
  assertEquals(readHolder(store), null);
});
