/**
 * The application layer without the CLI: plan, apply (fresh and saved) and destroy of a real
 * project compiled by the real compiler, its resources in memory. Asserts the typed results
 * and the events, in order.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch, assertRejects } from "../tests/assert.ts";
import type { Plan } from "../engine/plan.ts";
import { apply, type ApplyReport } from "./apply.ts";
import { destroy } from "./destroy.ts";
import { UserError } from "./errors.ts";
import type { Execution } from "./execute.ts";
import { plan } from "./plan.ts";
import { readPlanFile, writePlanFile } from "./plan_file_io.ts";
import { EventLog, testProject } from "./testing.ts";

const yes = (): boolean => true;

function executed(report: ApplyReport): Execution {
  assert_(report.outcome === "applied" || report.outcome === "failed", report.outcome);
  return report;
}

/** Every step starts after the steps it waits for finished, and finishes once. */
function assertStepOrder(log: EventLog, plan: Plan): void {
  const kinds = log.kinds();
  for (const action of plan.actions) {
    const key = `${action.kind === "delete" ? "delete" : "create"}:${action.id}`;
    const started = kinds.indexOf(`step-started ${key}`);
    const finished = kinds.indexOf(`step-finished ${key}`);
    assert_(started >= 0 && finished > started, `${key}: ${kinds.join(", ")}`);
    const needs = action.kind === "delete" ? [] : action.node?.dependsOn ?? [];
    for (const need of needs) {
      const before = kinds.indexOf(`step-finished create:${need}`);
      assert_(before >= 0 && before < started, `${key} started before ${need} finished`);
    }
  }
}

Deno.test("app: plan, then apply a fresh plan: events in order, a typed result, state kept", async () => {
  const project = testProject();
  try {
    const session = project.session();
    const planned = await plan(session);
    assertEquals(planned.changes, true);
    assertEquals(planned.unsetSecrets, []);
    assert_(planned.plan.actions.every((action) => action.kind === "create"));
    assertEquals(project.live(), [], "plan changes nothing");

    const log = new EventLog();
    const approvals: Plan[] = [];
    const report = executed(
      await apply(session, {
        approve: (plan) => {
          approvals.push(plan);
          assertEquals(log.kinds(), ["planned"], "asked after the plan is shown, before steps");
          return true;
        },
        onEvent: log.onEvent,
      }),
    );
    assertEquals(report.outcome, "applied");
    assertEquals(approvals.length, 1);
    const actions = report.plan.actions;
    assertEquals(report.summary, { add: actions.length, change: 0, destroy: 0 });
    assertEquals(report.steps.failed, []);
    assertEquals(report.steps.done.length, actions.length);
    assertEquals(project.live(), actions.map((action) => action.id).sort());
    assertEquals(session.store.forProject(session.project).length, actions.length);

    const kinds = log.kinds();
    assertEquals(kinds.slice(0, 2), ["planned", "preflight"]);
    assertEquals(log.events[1], { type: "preflight", backend: "bwrap" });
    assertEquals(project.preflights, ["bwrap"]);
    assertEquals(kinds.length, 2 + 2 * actions.length);
    assertStepOrder(log, report.plan);
    assert_(existsSync(join(project.stateDir, "state.db.bak")), "a backup before the write");

    const again = new EventLog();
    const unchanged = await apply(session, { approve: yes, onEvent: again.onEvent });
    assertEquals(unchanged.outcome, "unchanged");
    assertEquals(again.kinds(), ["planned"]);
    assertEquals(project.preflights, ["bwrap"], "no preflight for a plan that changes nothing");
    assertEquals((await plan(session)).changes, false);
  } finally {
    project.remove();
  }
});

Deno.test("app: an apply that is not approved does nothing", async () => {
  const project = testProject();
  try {
    const log = new EventLog();
    const report = await apply(project.session(), { approve: () => false, onEvent: log.onEvent });
    assertEquals(report.outcome, "cancelled");
    assertEquals(log.kinds(), ["planned"]);
    assertEquals(project.live(), []);
    assertEquals(project.preflights, []);
  } finally {
    project.remove();
  }
});

Deno.test("app: a failed step skips what depends on it and is reported, not thrown", async () => {
  const project = testProject();
  try {
    project.providers.get("bottle_dir")!.failOn.add("create bottle_dir.dev");
    const log = new EventLog();
    const report = executed(
      await apply(project.session(), { approve: yes, onEvent: log.onEvent }),
    );
    assertEquals(report.outcome, "failed");
    assertEquals(report.steps.failed.map((failure) => failure.key), ["create:bottle_dir.dev"]);
    assertMatch(report.steps.failed[0].error, /injected failure/);
    const failed = log.events.find((event) => event.type === "step-failed");
    assert_(failed?.type === "step-failed" && failed.step.id === "bottle_dir.dev");
    const skipped = log.events.filter((event) => event.type === "step-skipped");
    assertEquals(skipped.length, report.steps.skipped.length);
    assert_(skipped.length > 0, "dependents of the bottle directory are skipped");
    const sandbox = report.plan.actions.find((action) => action.type === "sandbox");
    assert_(report.steps.skipped.includes(`create:${sandbox?.id}`));
  } finally {
    project.remove();
  }
});

Deno.test("app: a saved plan applies without approval; a stale one is refused", async () => {
  const project = testProject();
  try {
    const session = project.session();
    const file = join(project.base, "dev.plan");
    writePlanFile(file, (await plan(session)).plan);
    const saved = readPlanFile(file, new Set(session.providers.keys()));

    const log = new EventLog();
    const report = executed(
      await apply(session, {
        saved,
        savedFrom: file,
        approve: () => {
          throw new Error("a saved plan is not asked about");
        },
        onEvent: log.onEvent,
      }),
    );
    assertEquals(report.outcome, "applied");
    assertEquals(log.events[0], { type: "planned", plan: saved, saved: true });
    assertEquals(project.live().length, saved.actions.length);

    const stale = await assertRejects(
      () => apply(session, { saved, savedFrom: file, approve: yes }),
      /the saved plan .*dev\.plan is stale: state has changed since it was made/,
    );
    assert_(stale instanceof UserError);
    await assertRejects(
      () => apply(session, { saved, targets: ["sandbox.dev"], approve: yes }),
      /--target has no effect on a saved plan/,
    );
  } finally {
    project.remove();
  }
});

Deno.test("app: targets restrict plan and apply to a resource and what it needs", async () => {
  const project = testProject();
  try {
    const session = project.session();
    const whole = (await plan(session)).plan;
    const targeted = await plan(session, { targets: ["ca.dev"] });
    assertEquals(targeted.plan.targets, ["ca.dev"]);
    assert_(targeted.plan.actions.length < whole.actions.length);
    const report = executed(await apply(session, { targets: ["ca.dev"], approve: yes }));
    assertEquals(project.live(), targeted.plan.actions.map((action) => action.id).sort());
    assertEquals(report.plan.targets, ["ca.dev"]);
    await assertRejects(() => plan(session, { targets: ["nope.dev"] }), /--target names no/);
  } finally {
    project.remove();
  }
});

Deno.test("app: destroy tears down in reverse order, from state alone", async () => {
  const project = testProject(["dev", "other"]);
  try {
    const session = project.session();
    executed(await apply(session, { approve: yes }));
    const applied = project.live();

    const only = executed(await destroy(session, { bottles: ["other"], approve: yes }));
    assert_(only.plan.actions.every((action) => action.bottle === "other"));
    assertEquals(project.live(), applied.filter((id) => !id.endsWith(".other")));

    Deno.removeSync(project.dir, { recursive: true });
    const log = new EventLog();
    const planned = await plan(session, { destroy: true });
    assert_(planned.plan.actions.every((action) => action.kind === "delete"));
    const report = executed(await destroy(session, { approve: yes, onEvent: log.onEvent }));
    assertEquals(report.outcome, "applied");
    assertEquals(report.summary.destroy, report.plan.actions.length);
    assertEquals(log.kinds()[0], "planned");
    assert_(!log.kinds().includes("preflight"), "tearing down needs no preflight");
    assertStepOrder(log, report.plan);
    for (const action of report.plan.actions) {
      for (const dependent of report.plan.actions) {
        if (!dependent.record?.dependsOn.includes(action.id)) continue;
        assert_(
          log.indexOf(`step-finished delete:${dependent.id}`) <
            log.indexOf(`step-started delete:${action.id}`),
          `${dependent.id} is destroyed before ${action.id}`,
        );
      }
    }
    assertEquals(project.live(), []);
    assertEquals(session.store.forProject(session.project), []);

    const gone = await destroy(session, { approve: yes }).catch((error: Error) => error);
    assert_(gone instanceof UserError);
    assertMatch(gone.message, /no such directory .* nothing is recorded for it/);
  } finally {
    project.remove();
  }
});
