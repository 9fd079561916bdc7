/** Two writers at once: one waits or fails naming the holder; state stays consistent. */
import { assert_, assertEquals, assertMatch } from "../assert.ts";
import { acquireLock, type LockHolder, readHolder } from "../../engine/lock.ts";
import { StateStore } from "../../engine/state.ts";
import { type CliResult, expectCode, isBwrap, parentOf, World } from "./harness.ts";
import { poll } from "../../lib/wait.ts";

const signal = (pid: number, name: Deno.Signal): void => {
  try {
    Deno.kill(pid, name);
  } catch {
    // already gone
  }
};

Deno.test("lock: an apply while another writer holds the lock fails naming it, or waits", async () => {
  const world = await World.create();
  await world.writeBottle("locked", "egress:\n  allow: [example.com]");
  const store = new StateStore(world.stateDir);
  const held = await acquireLock(store, { holder: "apply", timeoutMs: 0 });
  try {
    const refused = await world.cli(["apply", "--yes"]);
    expectCode(refused, 1, "apply while locked");
    assertMatch(refused.stderr, new RegExp(`locked by \`apply\` \\(pid ${Deno.pid} `));
    assertMatch(refused.stderr, /force-unlock/);
    assertEquals(world.processes(), []);
    const waited = await applyReleasingOnceWaiting(world, () => held.release());
    expectCode(waited, 0, "apply that waits for the lock");
    assertMatch(waited.stderr, /waiting for the state lock/);
  } finally {
    held.release();
    store.close();
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
  }
});

Deno.test("lock: two applies started together both converge on one bottle", async () => {
  const world = await World.create();
  await world.writeBottle("twice", "egress:\n  allow: [example.com]");
  try {
    const [a, b] = await Promise.all([
      world.cli(["apply", "--yes", "--lock-timeout", "30s"]),
      world.cli(["apply", "--yes", "--lock-timeout", "30s"]),
    ]);
    expectCode(a, 0, "first apply");
    expectCode(b, 0, "second apply");
    const sandboxes = world.processes().filter((pid) => isBwrap(pid) && !isBwrap(parentOf(pid)));
    assertEquals(sandboxes.length, 1);
    const noWait = await Promise.all([
      world.cli(["destroy", "--yes"]),
      world.cli(["destroy", "--yes"]),
    ]);
    for (const result of noWait) {
      assert_(result.code === 0 || /locked by `destroy`/.test(result.stderr), result.stderr);
    }
  } finally {
    await world.cli(["destroy", "--yes"]);
    assertEquals(world.processes(), []);
  }
});

Deno.test("lock: drift and plan during a real apply say it is in progress, then wait for it", async () => {
  const world = await World.create();
  await world.writeBottle("reading", "egress:\n  allow: [example.com]");
  const store = new StateStore(world.stateDir);
  const applying = world.cli(["apply", "--yes"]);
  let writer: LockHolder | null = null;
  try {
    writer = await poll(() => readHolder(store), { timeoutMs: 30_000, intervalMs: 5 });
    assert_(writer?.holder === "apply", "the apply took the writer lock");
    // Freeze it mid-flight: alive, holding the lock, its changes half-applied.
    Deno.kill(writer.pid, "SIGSTOP");
    const drift = await world.cli(["drift"]);
    expectCode(drift, 1, "drift during an apply");
    assertMatch(drift.stderr, new RegExp(`\`apply\` is in progress \\(pid ${writer.pid} `));
    const plan = await world.cli(["plan", "--detailed-exitcode"]);
    expectCode(plan, 1, "plan during an apply");
    assertMatch(plan.stderr, /plan would see its changes half-applied/);
    const resume = writer.pid;
    setTimeout(() => signal(resume, "SIGCONT"), 1000);
    const waited = await world.cli(["drift", "--lock-timeout", "60s"]);
    expectCode(await applying, 0, "the apply");
    expectCode(waited, 0, "drift that waited for the apply");
    assertMatch(waited.stdout, /No drift/);
  } finally {
    if (writer) signal(writer.pid, "SIGCONT");
    await applying;
    store.close();
    expectCode(await world.cli(["destroy", "--yes"]), 0, "destroy");
    assertEquals(world.processes(), []);
  }
});

/**
 * `apply --lock-timeout 20s` while the lock is held; `release` runs once the apply has said
 * it is waiting (not after a fixed delay, which a slow start on a busy machine outlasts).
 */
async function applyReleasingOnceWaiting(
  world: World,
  release: () => void,
): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", world.mainPath, "apply", "--yes", "--lock-timeout", "20s"],
    cwd: world.dir,
    env: { BOT_BOTTLE_STATE_DIR: world.stateDir, NO_COLOR: "1", ...world.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  let stderr = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stderr) {
    stderr += decoder.decode(chunk, { stream: true });
    if (/waiting for the state lock/.test(stderr)) release();
  }
  release();
  const status = await child.status;
  return { code: status.code, signal: status.signal, stdout: await stdout, stderr };
}
