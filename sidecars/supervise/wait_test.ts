import assert from "node:assert/strict";
import { pollFor, sleep } from "./wait.ts";

Deno.test("wait: pollFor returns the first value, or undefined at the deadline", async () => {
  let reads = 0;
  assert.equal(await pollFor(() => ++reads >= 3 ? "done" : undefined, 2000, 10), "done");
  assert.equal(reads, 3);
  const started = performance.now();
  assert.equal(await pollFor(() => undefined, 120, 50), undefined);
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 110 && elapsed < 1000, `${elapsed} ms`);
  assert.equal(await pollFor(() => 0, 0, 10), 0, "a zero wait still reads once");
});

Deno.test("wait: an abort ends the wait at once", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const started = performance.now();
  assert.equal(await pollFor(() => undefined, 10_000, 1000, controller.signal), undefined);
  assert.ok(performance.now() - started < 1000);
  assert.equal(await sleep(10_000, controller.signal), false);
  assert.equal(await sleep(1), true);
});
