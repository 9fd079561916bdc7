/**
 * Readers respect writers: `plan` and `drift` during an apply or destroy (another live
 * process holds the writer lock) exit 1 naming it, never 2 with the half-applied state
 * reported as drift; with --lock-timeout they wait for it and then answer.
 */
import { realpathSync } from "node:fs";
import { hostname } from "node:os";
import { assert_, assertMatch } from "../assert.ts";
import { identify } from "../../lib/process.ts";
import { StateStore } from "../../engine/state.ts";
import { expectCode, World } from "./harness.ts";

interface Writer {
  pid: number;
  /** The writer finishes: its step is recorded as done and it releases the lock. */
  finish(): void;
  /** The writer's process dies, leaving its lock row behind (a stale holder). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** A world whose state says an `apply` by a live process (a sleeping child) is mid-step. */
async function applyInProgress(): Promise<{ world: World; writer: Writer }> {
  const world = await World.create();
  await world.writeBottle("reader", "egress:\n  allow: [example.com]");
  const child = new Deno.Command("sleep", { args: ["600"] }).spawn();
  const identity = identify(child.pid);
  assert_(identity, "the writer process is alive");
  const store = new StateStore(world.stateDir);
  store.db.prepare(
    `INSERT INTO lock (id, holder, pid, start_time, host, acquired_at)
     VALUES (1, 'apply', ?, ?, ?, '2026-01-01T00:00:00.000Z')`,
  ).run(identity.pid, identity.startTime, hostname());
  // What an apply journals before its side effect: a row in a transitional status, which
  // drift would otherwise report as an interrupted step.
  store.upsert({
    id: "bottle_dir.reader",
    type: "bottle_dir",
    bottle: "reader",
    project: realpathSync(world.dir),
    inputs: {},
    outputs: null,
    dependsOn: [],
    replaceWith: [],
    status: "creating",
    error: null,
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGKILL");
    await child.status;
  };
  const writer: Writer = {
    pid: child.pid,
    finish: () => {
      store.remove("bottle_dir.reader");
      store.db.prepare("DELETE FROM lock WHERE id = 1").run();
    },
    crash: stop,
    stop: async () => {
      await stop();
      store.close();
    },
  };
  return { world, writer };
}

const BUSY = (pid: number, reader: string): RegExp =>
  new RegExp(
    `\`apply\` is in progress \\(pid ${pid} on .*, since 2026-01-01T00:00:00\\.000Z\\).*` +
      `${reader} would see its changes half-applied.*--lock-timeout`,
    "s",
  );

Deno.test("readers: drift and plan during an apply exit 1 naming it, not 2", async () => {
  const { world, writer } = await applyInProgress();
  try {
    const drift = await world.cli(["drift"]);
    expectCode(drift, 1, "drift during an apply");
    assertMatch(drift.stderr, BUSY(writer.pid, "drift"));
    const json = await world.cli(["drift", "--json", "--all"]);
    expectCode(json, 1, "drift --json --all during an apply");
    assert_(!/"drifted": true/.test(json.stdout), json.stdout);
    const plan = await world.cli(["plan", "--detailed-exitcode"]);
    expectCode(plan, 1, "plan during an apply");
    assertMatch(plan.stderr, BUSY(writer.pid, "plan"));
  } finally {
    await writer.stop();
  }
});

Deno.test("readers: with --lock-timeout they wait for the apply, then answer", async () => {
  const { world, writer } = await applyInProgress();
  try {
    setTimeout(() => writer.finish(), 1500);
    const started = Date.now();
    const [drift, plan] = await Promise.all([
      world.cli(["drift", "--lock-timeout", "30s"]),
      world.cli(["plan", "--lock-timeout", "30s"]),
    ]);
    expectCode(drift, 0, "drift that waited");
    assertMatch(drift.stderr, /waiting for `apply` \(pid \d+\) to finish before drift reads/);
    assertMatch(drift.stdout, /No drift/);
    expectCode(plan, 0, "plan that waited");
    assertMatch(plan.stdout, /Plan: 10 to add/);
    assert_(Date.now() - started >= 1400, "they waited for the writer");
    const late = await world.cli(["drift", "--lock-timeout", "1s"]);
    expectCode(late, 0, "drift once the apply is over");
  } finally {
    await writer.stop();
  }
});

Deno.test("readers: a writer that times out the wait still exits 1, naming it", async () => {
  const { world, writer } = await applyInProgress();
  try {
    const drift = await world.cli(["drift", "--lock-timeout", "500ms"]);
    expectCode(drift, 1, "drift that gave up waiting");
    assertMatch(drift.stderr, BUSY(writer.pid, "drift"));
    assertMatch(drift.stderr, /waiting for `apply`/);
  } finally {
    await writer.stop();
  }
});

Deno.test("readers: a dead writer's lock does not block them", async () => {
  const { world, writer } = await applyInProgress();
  try {
    await writer.crash();
    const drift = await world.cli(["drift"]);
    expectCode(drift, 2, "drift after the apply crashed (its step really is interrupted)");
    assertMatch(drift.stdout, /! bottle_dir\.reader /);
  } finally {
    await writer.stop();
  }
});
