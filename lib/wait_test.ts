import { assert_, assertEquals, assertRejects } from "../tests/assert.ts";
import { accepts, poll, sleep, WaitTimeout, waitUntil } from "./wait.ts";

Deno.test("wait: poll returns the first answer; 0 and empty strings are answers", async () => {
  let calls = 0;
  assertEquals(
    await poll(() => ++calls === 3 ? "found" : null, { timeoutMs: 1000, intervalMs: 1 }),
    "found",
  );
  assertEquals(calls, 3);
  assertEquals(await poll(() => 0, { timeoutMs: 0 }), 0);
  assertEquals(await poll(() => "", { timeoutMs: 0 }), "");
  assertEquals(
    await poll(async () => {
      await sleep(1);
      return true;
    }, { timeoutMs: 10 }),
    true,
  );
});

Deno.test("wait: poll tries at once and once more at the deadline, then gives null", async () => {
  const times: number[] = [];
  const start = Date.now();
  const answer = await poll(() => {
    times.push(Date.now() - start);
    return false;
  }, { timeoutMs: 60, intervalMs: 25 });
  assertEquals(answer, null);
  assertEquals(times[0] < 20, true, `first try at once (${times})`);
  assert_(times.at(-1)! >= 60, `last try at the deadline (${times})`);
  assert_(times.length >= 3 && times.length <= 5, `tries every 25 ms (${times})`);
  let once = 0;
  assertEquals(await poll(() => (once++, null), { timeoutMs: 0 }), null);
  assertEquals(once, 1, "a zero timeout still tries once");
});

Deno.test("wait: waitUntil names what it waited for; a probe's error ends the wait", async () => {
  const error = await assertRejects(
    () => waitUntil(() => false, { timeoutMs: 5, intervalMs: 1, what: "the socket" }),
    /^timed out after 5 ms waiting for the socket$/,
  );
  assert_(error instanceof WaitTimeout);
  await assertRejects(
    () =>
      waitUntil(() => {
        throw new Error("gone");
      }, { timeoutMs: 1000, what: "x" }),
    /^gone$/,
  );
  assertEquals(await waitUntil(() => [1], { timeoutMs: 5, what: "x" }), [1]);
});

Deno.test("wait: accepts tells whether a listener takes a connection (TCP or Unix)", async () => {
  const tcp = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (tcp.addr as Deno.NetAddr).port;
  const dir = Deno.makeTempDirSync();
  const unix = Deno.listen({ transport: "unix", path: `${dir}/s` });
  try {
    assertEquals(await accepts(port), true);
    assertEquals(await accepts(`${dir}/s`), true);
  } finally {
    tcp.close();
    unix.close();
  }
  assertEquals(await accepts(port), false);
  assertEquals(await accepts(`${dir}/missing`), false);
  Deno.removeSync(dir, { recursive: true });
});
