/**
 * The application layer's locking rules and its reading and state operations, without the
 * CLI: writers wait for the lock (and say so), readers wait for writers, drift, list, show,
 * state rm and adopt, against a project whose resources live in memory.
 */
import {
  assert_,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "../tests/assert.ts";
import { acquireLock, LockError } from "../engine/lock.ts";
import { liveBottle } from "../engine/state_fixtures.ts";
import { apply } from "./apply.ts";
import { drift } from "./drift.ts";
import { UserError } from "./errors.ts";
import { listBottles } from "./list.ts";
import { plan } from "./plan.ts";
import { recordedResources } from "./show.ts";
import { forgetResources, removeStateLock, stateResource, stateResources } from "./state.ts";
import { adoptRunningBottles } from "./state_repair.ts";
import type { Session } from "./session.ts";
import { EventLog, testProject } from "./testing.ts";

const yes = (): boolean => true;

/** Holds the state lock as `holder` for `ms`, as another writer would. */
async function holdLock(session: Session, holder: string, ms: number): Promise<void> {
  const lock = await acquireLock(session.store, { holder, timeoutMs: 0 });
  setTimeout(() => lock.release(), ms);
}

Deno.test("app: a writer waits for the lock, saying once who holds it; without a wait it fails", async () => {
  const project = testProject();
  try {
    const session = project.session();
    await holdLock(session, "other apply", 300);
    await assertRejects(
      () => apply(session, { approve: yes }),
      /state is locked by `other apply`/,
    );
    const log = new EventLog();
    const report = await apply(session, { lockTimeout: "5s", approve: yes, onEvent: log.onEvent });
    assertEquals(report.outcome, "applied");
    const [waiting, planned] = log.events;
    assert_(waiting.type === "lock-waiting" && waiting.holder.holder === "other apply");
    assertEquals(planned.type, "planned");
    assertEquals(log.kinds().filter((kind) => kind === "lock-waiting").length, 1);
  } finally {
    project.remove();
  }
});

Deno.test("app: a reader waits for a writer to finish, or fails naming it", async () => {
  const project = testProject();
  try {
    const session = project.session();
    await holdLock(session, "apply", 300);
    const error = await assertRejects(() => plan(session), /`apply` is in progress/);
    assert_(error instanceof LockError);
    const log = new EventLog();
    const report = await plan(session, { lockTimeout: 5000, onEvent: log.onEvent });
    assertEquals(report.changes, true);
    assertEquals(log.kinds(), ["reader-waiting"]);
    const [waiting] = log.events;
    assert_(waiting.type === "reader-waiting" && waiting.reader === "plan");
    assertEquals(waiting.writer.holder, "apply");
  } finally {
    project.remove();
  }
});

Deno.test("app: drift and list read live objects; show reads the records", async () => {
  const project = testProject();
  try {
    const session = project.session();
    assertEquals(await drift(session), { drifted: false, items: [] });
    await apply(session, { approve: yes });
    assertEquals(await drift(session), { drifted: false, items: [] });
    const healthy = await listBottles(session);
    const resources = recordedResources(session).resources.length;
    assertEquals(healthy.bottles, [
      {
        bottle: "dev",
        project: session.project,
        backend: "bwrap",
        health: "running",
        recorded: true,
        since: null,
        agents: [],
        resources,
        problems: [],
      },
    ]);
    assertEquals(healthy.unrecorded, []);

    project.providers.get("sandbox")!.drift.set("sandbox.dev", ["its init is gone"]);
    project.providers.get("ca")!.live.delete("ca.dev");
    const drifted = await drift(session);
    assertEquals(drifted.drifted, true);
    assertEquals(
      drifted.items.map((item) => `${item.id} ${item.kind}: ${item.detail}`).sort(),
      ["ca.dev gone: not in memory", "sandbox.dev changed: its init is gone"],
    );
    const [listed] = (await listBottles(session)).bottles;
    assertEquals([listed.health, ...listed.problems], [
      "drifted",
      "ca.dev: missing (not in memory)",
      "sandbox.dev: its init is gone",
    ]);
    const repair = await plan(session);
    const kinds = new Map(repair.plan.actions.map((action) => [action.id, action.kind]));
    assertEquals(kinds.get("ca.dev"), "create");
    assertEquals(kinds.get("sandbox.dev"), "replace");
  } finally {
    project.remove();
  }
});

Deno.test("app: state operations list, show and forget records; the lock can be removed", async () => {
  const project = testProject();
  try {
    const session = project.session();
    await apply(session, { approve: yes });
    const listed = stateResources(session);
    assertEquals(listed.unrecordedRunningBottles, []);
    assertEquals(stateResource(session, "ca.dev").type, "ca");
    const unknown = assertThrows(() => stateResource(session, "ca.nope"));
    assert_(unknown instanceof UserError);
    assertMatch(unknown.message, /no resource ca\.nope is recorded/);

    const asked: string[][] = [];
    const cancelled = await forgetResources(session, ["ca.dev"], {
      approve: (ids) => asked.push([...ids]) < 0,
    });
    assertEquals(cancelled, { outcome: "cancelled", ids: ["ca.dev"] });
    const forgotten = await forgetResources(session, ["ca.dev"], { approve: yes });
    assertEquals(forgotten, { outcome: "forgotten", ids: ["ca.dev"] });
    assertEquals(asked, [["ca.dev"]]);
    assertEquals(stateResources(session).resources.length, listed.resources.length - 1);
    assert_(project.live().includes("ca.dev"), "the live object is left alone");

    assertEquals(removeStateLock(session), null);
    await acquireLock(session.store, { holder: "crashed apply", timeoutMs: 0 });
    assertEquals(removeStateLock(session)?.holder, "crashed apply");
  } finally {
    project.remove();
  }
});

Deno.test("app: running bottles the state lost are refused by plan, then adopted and settled", async () => {
  const project = testProject();
  const session = project.session();
  await apply(session, { approve: yes });
  const running = liveBottle(project.stateDir, "dev");
  try {
    const ids = session.store.forProject(session.project).map((record) => record.id);
    for (const id of ids) session.store.remove(id);

    await assertRejects(() => plan(session), /a plan from scratch would start them anew/);
    assertEquals(stateResources(session).unrecordedRunningBottles, ["dev"]);
    assertEquals((await listBottles(session)).unrecorded, ["dev"]);

    const adopted = await adoptRunningBottles(session);
    assertEquals(adopted, { adopted: ids.length, bottles: ["dev"] });
    const settled = await plan(session);
    assert_(settled.plan.actions.every((action) => action.kind === "settle"));
    assertEquals(await adoptRunningBottles(session), { adopted: 0, bottles: [] });
  } finally {
    await running.stop();
    project.remove();
  }
});
