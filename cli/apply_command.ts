import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

export interface PlanOptions {
  dir: string;
  out?: string;
  json?: boolean;
  detailedExitcode?: boolean;
  destroy?: boolean;
  /** `--cwd [dir]`: seed workspaces of bottles without `workspace:` from this checkout. */
  cwd?: string | true;
}

export interface ApplyOptions {
  dir: string;
  yes?: boolean;
  lockTimeout: string;
  parallelism: string;
  bottle?: string[];
  cwd?: string | true;
}

const useColor = (): boolean => Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");

export async function planCommand(options: PlanOptions): Promise<number> {
  const session = openSession(options.dir);
  const plan = options.destroy
    ? await makeDestroyPlan(session, [])
    : await makeApplyPlan(session, options.dir, options.cwd);
  if (options.json) console.log(JSON.stringify(planJson(plan), null, 2));
  else console.log(renderPlan(plan, { color: useColor() }));
  if (options.out) {
    writeFileSync(options.out, JSON.stringify(plan), { mode: 0o600 });
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
  const session = openSession(options.dir);
  const lock = await lockFor(session, "apply", options.lockTimeout);
  try {
    if (planFile) {
      if (options.cwd !== undefined) {
        throw new UserError(
          "--cwd has no effect on a saved plan: its workspaces' sources are in the plan",
          "pass --cwd to `plan --out FILE` instead",
        );
      }
      const plan = loadSavedPlan(planFile);
      const serial = session.store.serial(plan.project);
      if (serial !== plan.serial) {
        throw new UserError(
          `the saved plan ${planFile} is stale: state has changed since it was made (serial ${plan.serial} → ${serial})`,
          "run plan again and review the new plan",
        );
      }
      console.log(renderPlan(plan, { color: useColor() }));
      return await execute(session, plan);
    }
    const plan = await makeApplyPlan(session, options.dir, options.cwd);
    console.log(renderPlan(plan, { color: useColor() }));
    if (!hasChanges(plan)) return 0;
    if (!(await confirm("Apply these changes?", options.yes ?? false))) {
      console.log("Apply cancelled.");
      return 1;
    }
    return await execute(session, plan, Number(options.parallelism));
  } finally {
    lock.release();
  }
}

export async function destroyCommand(options: ApplyOptions): Promise<number> {
  const session = openSession(options.dir);
  const lock = await lockFor(session, "destroy", options.lockTimeout);
  try {
    const plan = await makeDestroyPlan(session, options.bottle ?? []);
    console.log(renderPlan(plan, { color: useColor() }));
    if (!hasChanges(plan)) return 0;
    if (!(await confirm("Destroy these resources?", options.yes ?? false))) {
      console.log("Destroy cancelled.");
      return 1;
    }
    return await execute(session, plan, Number(options.parallelism));
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

function loadSavedPlan(path: string): Plan {
  if (!existsSync(path)) {
    throw new UserError(`no plan file at ${path}`, "make one with: deno task plan --out FILE");
  }
  try {
    const plan = JSON.parse(readFileSync(path, "utf8")) as Plan;
    if (plan.format !== 1 || !Array.isArray(plan.actions)) throw new Error("not a plan");
    return plan;
  } catch {
    throw new UserError(
      `${path} is not a bot-bottle plan file`,
      "make one with: deno task plan --out FILE",
    );
  }
}
