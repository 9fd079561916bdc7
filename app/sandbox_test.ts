import { assert_, assertEquals, assertMatch, assertThrows } from "../tests/assert.ts";
import { StateStore } from "../engine/state.ts";
import { StateError } from "../engine/state_errors.ts";
import { breakDatabase, liveBottle, seededStateDir } from "../engine/state_fixtures.ts";
import type { SandboxHandle, SandboxStatus } from "../backends/backend.ts";
import { findSandbox, stoppedWhileRunning } from "./sandbox.ts";
import { UserError } from "./errors.ts";

const sandboxRecord = {
  id: "sandbox.dev",
  type: "sandbox",
  bottle: "dev",
  project: "/p",
  inputs: { backend: "bwrap", bottle: "dev" },
  outputs: null,
  dependsOn: [],
  replaceWith: [],
  status: "creating" as const,
  error: "bwrap: cannot mount /workspace",
};

Deno.test("exec: a corrupt state database is named, not taken for a bottle that is not applied", async () => {
  for (const how of ["header", "half"] as const) {
    const dir = await seededStateDir();
    breakDatabase(dir, how);
    const error = assertThrows(() => findSandbox("b1", dir));
    assert_(error instanceof StateError, error.message);
    assertMatch(error.message, /state\.db is corrupt/);
  }
});

Deno.test("exec: a bottle whose sandbox failed to start says so and to apply again", async () => {
  const dir = await seededStateDir(1);
  const store = new StateStore(dir);
  store.upsert(sandboxRecord);
  store.upsert({ ...sandboxRecord, id: "sandbox.half", bottle: "half", error: null });
  store.close();
  const failed = assertThrows(() => findSandbox("dev", dir));
  assertMatch(failed.message, /"dev" is applied but its sandbox failed to start: bwrap: cannot/);
  assert_(failed instanceof UserError);
  assertMatch(failed.hint ?? "", /apply again/);
  assertMatch(
    assertThrows(() => findSandbox("half", dir)).message,
    /"half" is applied but its sandbox has not started \(its creating step/,
  );
  assertMatch(assertThrows(() => findSandbox("nope", dir)).message, /no bottle named "nope"/);
});

Deno.test("exec: a bottle running while the state lost its records is reported as such", async () => {
  const dir = await seededStateDir(1);
  breakDatabase(dir, "deleted");
  const bottle = liveBottle(dir, "dev");
  try {
    const error = assertThrows(() => findSandbox("dev", dir));
    assertMatch(error.message, /dev are running .* has no record of them/);
  } finally {
    await bottle.stop();
  }
});

const handle: SandboxHandle = {
  backend: "bwrap",
  init: { pid: 1, startTime: 1 },
  inner: { pid: 1, startTime: 1 },
};

/** A backend whose sandbox reports these states in turn, then the last one for good. */
function backendWith(states: SandboxStatus[]): { status(): SandboxStatus } {
  let calls = 0;
  return { status: (): SandboxStatus => states[Math.min(calls++, states.length - 1)] };
}

Deno.test("exec: a command killed because its bottle was destroyed says so", async () => {
  const gone: SandboxStatus = { state: "gone", reason: "bwrap (pid 1) has exited" };
  const running: SandboxStatus = { state: "running", problems: [] };
  assertMatch(
    (await stoppedWhileRunning("dev", 137, backendWith([running, gone]), handle, 1000))!,
    /killed \(exit 137\) because bottle "dev" was stopped or destroyed while it ran/,
  );
  assertEquals(await stoppedWhileRunning("dev", 137, backendWith([running]), handle, 100), null);
  assertEquals(await stoppedWhileRunning("dev", 1, backendWith([gone]), handle, 100), null);
});
