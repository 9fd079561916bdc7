import assert from "node:assert/strict";
import { RestartPolicy } from "./restart_policy.ts";

Deno.test("RestartPolicy: backoff doubles to the cap and resets after a healthy run", () => {
  const policy = new RestartPolicy();
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const d = policy.next(i * 10_000, 50);
    assert.ok(d.restart);
    if (d.restart) delays.push(d.delayMs);
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 2000, 2000]);
  const healthy = policy.next(80_000, 15_000);
  assert.deepEqual(healthy, { restart: true, delayMs: 100 });
});

Deno.test("RestartPolicy: gives up in a crash loop", () => {
  const policy = new RestartPolicy();
  let last = policy.next(0, 10);
  for (let i = 1; i <= 10; i++) last = policy.next(i * 1000, 10);
  assert.equal(last.restart, false);
  if (!last.restart) assert.match(last.reason, /exited 11 times within 60 s/);
});

Deno.test("RestartPolicy: old restarts leave the window", () => {
  const policy = new RestartPolicy();
  for (let i = 0; i < 10; i++) assert.ok(policy.next(i * 1000, 10).restart);
  assert.ok(policy.next(70_000, 10).restart);
});
