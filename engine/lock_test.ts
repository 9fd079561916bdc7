import { assert_, assertEquals, assertRejects } from "../tests/assert.ts";
import { acquireLock, forceUnlock, LockError, readConsistently, readHolder } from "./lock.ts";
import { StateStore } from "./state.ts";
import { sleep } from "../lib/wait.ts";

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
  await recordDeadWriter(store);
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

Deno.test("reader: a live writer makes a reader fail at once, naming it, without reading", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new StateStore(dir);
  const reader = new StateStore(dir);
  const held = await acquireLock(writer, { holder: "apply", timeoutMs: 0 });
  let reads = 0;
  const error = await assertRejects(
    () =>
      readConsistently(reader, { reader: "drift", timeoutMs: 0 }, () => Promise.resolve(++reads)),
    new RegExp(
      `\`apply\` is in progress \\(pid ${Deno.pid} on .*, since .*\\).*drift would see its changes half-applied.*--lock-timeout`,
      "s",
    ),
  );
  assert_(error instanceof LockError);
  assertEquals(reads, 0);
  held.release();
  assertEquals(
    await readConsistently(
      reader,
      { reader: "drift", timeoutMs: 0 },
      () => Promise.resolve(++reads),
    ),
    1,
  );
});

Deno.test("reader: with a timeout it waits for the writer to finish, then reads", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new StateStore(dir);
  const reader = new StateStore(dir);
  const held = await acquireLock(writer, { holder: "destroy", timeoutMs: 0 });
  setTimeout(() => held.release(), 300);
  const waitedFor: string[] = [];
  const started = Date.now();
  const answer = await readConsistently(
    reader,
    { reader: "plan", timeoutMs: 5000, onWait: (holder) => waitedFor.push(holder.holder) },
    () => Promise.resolve(readHolder(reader)),
  );
  assertEquals(answer, null);
  assertEquals(waitedFor, ["destroy"]);
  assert_(Date.now() - started >= 250);
});

Deno.test("reader: a writer that starts during the read voids the answer (fail or wait and reread)", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new StateStore(dir);
  const reader = new StateStore(dir);
  let reads = 0;
  let held: { release(): void } | undefined;
  const startWriterDuringFirstRead = async (): Promise<number> => {
    reads++;
    if (reads === 1) held = await acquireLock(writer, { holder: "apply", timeoutMs: 0 });
    return reads;
  };
  await assertRejects(
    () => readConsistently(reader, { reader: "drift", timeoutMs: 0 }, startWriterDuringFirstRead),
    /`apply` is in progress/,
  );
  assertEquals(reads, 1);
  held?.release();

  reads = 0;
  const waiting = readConsistently(
    reader,
    { reader: "drift", timeoutMs: 5000 },
    async () => {
      const n = await startWriterDuringFirstRead();
      if (n === 1) setTimeout(() => held?.release(), 200);
      return n;
    },
  );
  assertEquals(await waiting, 2);
});

Deno.test("reader: a writer that came and went during the read makes it read again", async () => {
  const dir = await Deno.makeTempDir();
  const writer = new StateStore(dir);
  const reader = new StateStore(dir);
  let reads = 0;
  const answer = await readConsistently(reader, { reader: "drift", timeoutMs: 0 }, async () => {
    reads++;
    if (reads === 1) (await acquireLock(writer, { holder: "apply", timeoutMs: 0 })).release();
    await sleep(1);
    return reads;
  });
  assertEquals(answer, 2);
});

Deno.test("reader: a stale writer (its process is gone) does not block readers", async () => {
  const store = new StateStore(await Deno.makeTempDir());
  const deadPid = await recordDeadWriter(store);
  assertEquals(
    await readConsistently(store, { reader: "drift", timeoutMs: 0 }, () => Promise.resolve("read")),
    "read",
  );
  assertEquals(readHolder(store)?.pid, deadPid);
});

/** Records as holder an apply whose process has already exited. */
async function recordDeadWriter(store: StateStore): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  store.db.prepare(
    "INSERT INTO lock (id, holder, pid, start_time, host, acquired_at) VALUES (1, 'apply', ?, 1, ?, 'x')",
  ).run(child.pid, (await import("node:os")).hostname());
  return child.pid;
}
