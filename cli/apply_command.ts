import type { ApplyResult, StepEvent } from "../engine/apply.ts";
import { applyPlan } from "../engine/apply.ts";
import type { Plan } from "../engine/plan.ts";
import { hasChanges, summarize } from "../engine/plan.ts";
import { planJson, renderPlan } from "../engine/render.ts";
import { getBackend } from "../backends/mod.ts";
import { confirm } from "./confirm.ts";
import { UserError } from "./errors.ts";
import { makeApplyPlan, makeDestroyPlan } from "./plan_command.ts";
import { lockFor, openSession, type Session } from "./session.ts";
import { fromCaller } from "./caller_dir.ts";
import { readPlanFile, writePlanFile } from "./plan_file_io.ts";
import { assertProjectExists } from "./project_check.ts";
import { checkPlanSecrets, refuseUnset, type UnsetSecret, unsetWarnings } from "./unset_secrets.ts";
import { allProviders } from "../resources/mod.ts";
import { readWithoutWriters } from "./read_lock.ts";
import { targetNotice, withTargets } from "./target_option.ts";

export interface PlanOptions {
  dir: string;
  out?: string;
  json?: boolean;
  detailedExitcode?: boolean;
  destroy?: boolean;
  /** `--cwd [dir]`: seed workspaces of bottles without `workspace:` from this checkout. */
  cwd?: string | true;
  /** `--lock-timeout`: how long to wait for an apply or destroy in progress. */
  lockTimeout?: string;
  /** `--target ID` (repeatable). */
  target?: string[];
}

export interface ApplyOptions {
  dir: string;
  yes?: boolean;
  lockTimeout: string;
  /** 1..64, checked by the option parser. */
  parallelism: number;
  bottle?: string[];
  cwd?: string | true;
  /** `--target ID` (repeatable). */
  target?: string[];
}

const useColor = (): boolean => Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");

export async function planCommand(options: PlanOptions): Promise<number> {
  const session = openSession(options.dir);
  const unset: UnsetSecret[] = [];
  if (options.destroy) assertProjectExists(session, options.dir);
  const whole = await readWithoutWriters(session, "plan", options.lockTimeout, () => {
    unset.length = 0;
    return options.destroy
      ? makeDestroyPlan(session, [])
      : makeApplyPlan(session, options.dir, options.cwd, unset);
  });
  const plan = withTargets(whole, options.target);
  if (options.json) console.log(JSON.stringify(planJson(plan), null, 2));
  else console.log(renderPlan(plan, { color: useColor() }) + targetNotice(plan));
  if (options.json && plan.targets) console.error(targetNotice(plan).trimEnd());
  for (const warning of unsetWarnings(unset)) console.error(warning);
  if (options.out) {
    writePlanFile(fromCaller(options.out), plan);
    if (!options.json) {
      console.log(
        `Saved the plan to ${options.out}: apply it with \`deno task apply ${options.out}\`.`,
      );
    }
  }
  return options.detailedExitcode && hasChanges(plan) ? 2 : 0;
}

export async function applyCommand(
  planFile: string | undefined,
  options: ApplyOptions,
): Promise<number> {
  // A saved plan records its project: it applies from anywhere, whatever --dir says.
  const saved = planFile === undefined
    ? undefined
    : readPlanFile(fromCaller(planFile), new Set(allProviders().keys()));
  const session = openSession(saved?.project ?? options.dir);
  const lock = await lockFor(session, "apply", options.lockTimeout);
  try {
    if (planFile && saved) {
      if (options.cwd !== undefined) {
        throw new UserError(
          "--cwd has no effect on a saved plan: its workspaces' sources are in the plan",
          "pass --cwd to `plan --out FILE` instead",
        );
      }
      if (options.target) {
        throw new UserError(
          "--target has no effect on a saved plan: it was targeted (or not) when it was made",
          "pass --target to `plan --out FILE` instead",
        );
      }
      const plan = saved;
      const serial = session.store.serial(plan.project);
      if (serial !== plan.serial) {
        throw new UserError(
          `the saved plan ${planFile} is stale: state has changed since it was made (serial ${plan.serial} → ${serial})`,
          "run plan again and review the new plan",
        );
      }
      console.log(renderPlan(plan, { color: useColor() }));
      checkPlanSecrets(plan, session.ctx.env);
      return await execute(session, plan, options.parallelism);
    }
    const unset: UnsetSecret[] = [];
    const plan = withTargets(
      await makeApplyPlan(session, options.dir, options.cwd, unset),
      options.target,
    );
    console.log(renderPlan(plan, { color: useColor() }) + targetNotice(plan));
    if (!hasChanges(plan)) return 0;
    refuseUnset(unset);
    if (!(await confirm("Apply these changes?", options.yes ?? false))) {
      console.log("Apply cancelled.");
      return 1;
    }
    return await execute(session, plan, options.parallelism);
  } finally {
    lock.release();
  }
}

export async function destroyCommand(options: ApplyOptions): Promise<number> {
  const session = openSession(options.dir);
  assertProjectExists(session, options.dir);
  const lock = await lockFor(session, "destroy", options.lockTimeout);
  try {
    const plan = withTargets(
      await makeDestroyPlan(session, options.bottle ?? []),
      options.target,
    );
    console.log(renderPlan(plan, { color: useColor() }) + targetNotice(plan));
    if (!hasChanges(plan)) return 0;
    if (!(await confirm("Destroy these resources?", options.yes ?? false))) {
      console.log("Destroy cancelled.");
      return 1;
    }
    return await execute(session, plan, options.parallelism);
  } finally {
    lock.release();
  }
}

async function execute(session: Session, plan: Plan, parallelism = 4): Promise<number> {
  if (plan.project !== session.project) {
    throw new UserError(
      `the plan was made for ${plan.project}, not ${session.project}`,
      `pass --dir ${plan.project}`,
    );
  }
  await preflight(plan);
  const started = performance.now();
  const result = await applyPlan(plan, {
    store: session.store,
    providers: session.providers,
    ctx: session.ctx,
    parallelism: Number.isInteger(parallelism) && parallelism > 0 ? parallelism : 4,
    onEvent: printEvent,
    crashAt: Deno.env.get("BOT_BOTTLE_TEST_CRASH_AT"),
  });
  return report(plan, result, performance.now() - started);
}

async function preflight(plan: Plan): Promise<void> {
  const backends = new Set<string>();
  for (const action of plan.actions) {
    const backend = action.node?.inputs.backend;
    if (action.type === "sandbox" && typeof backend === "string" && action.kind !== "noop") {
      backends.add(backend);
    }
  }
  for (const name of backends) await getBackend(name).preflight();
}

const VERB: Record<string, [string, string]> = {
  create: ["Creating", "Created"],
  update: ["Updating", "Updated"],
  delete: ["Destroying", "Destroyed"],
  settle: ["Recording", "Recorded"],
};

function printEvent(event: StepEvent): void {
  const [doing, done] = VERB[event.step.kind];
  const id = event.step.id;
  if (event.phase === "start") console.log(`${id}: ${doing}...`);
  if (event.phase === "done") console.log(`${id}: ${done} after ${Math.round(event.ms)}ms`);
  if (event.phase === "failed") {
    console.error(`${id}: FAILED after ${Math.round(event.ms)}ms: ${event.error}`);
  }
  if (event.phase === "skipped") console.error(`${id}: skipped (${event.because} did not succeed)`);
}

function report(plan: Plan, result: ApplyResult, ms: number): number {
  const { add, change, destroy } = summarize(plan);
  if (result.failed.length === 0) {
    const verb = plan.mode === "destroy" ? "Destroy" : "Apply";
    console.log(
      `\n${verb} complete in ${
        Math.round(ms)
      }ms! Resources: ${add} added, ${change} changed, ${destroy} destroyed.`,
    );
    return 0;
  }
  console.error(
    `\nApply failed: ${result.failed.length} step(s) failed, ${result.skipped.length} skipped, ` +
      `${result.done.length} done. State records exactly what exists; fix the cause and apply again.`,
  );
  return 1;
}
