/** Carrying out a plan: the backends' preflight, then the engine's walk of its steps. */
import { applyPlan, type ApplyResult } from "../engine/apply.ts";
import { type Plan, type PlanSummary, summarize } from "../engine/plan.ts";
import { preflightPlan } from "./backends.ts";
import { UserError } from "./errors.ts";
import { type Observed, sinkOf, stepEvent } from "./events.ts";
import type { Session } from "./session.ts";

export const DEFAULT_PARALLELISM = 4;

export interface ExecuteOptions extends Observed {
  /** Steps applied at once; default 4. */
  parallelism?: number;
}

/** What carrying out a plan did. */
export interface Execution {
  /** `failed` when any step failed (state then records exactly what exists). */
  outcome: "applied" | "failed";
  plan: Plan;
  steps: ApplyResult;
  /** What the plan set out to add, change and destroy. */
  summary: PlanSummary;
  ms: number;
}

/** Runs the plan's steps (a failure skips only what depends on it); the caller holds the lock. */
export async function executePlan(
  session: Session,
  plan: Plan,
  options: ExecuteOptions = {},
): Promise<Execution> {
  if (plan.project !== session.project) {
    throw new UserError(
      `the plan was made for ${plan.project}, not ${session.project}`,
      `pass --dir ${plan.project}`,
    );
  }
  const emit = sinkOf(options);
  await preflightPlan(plan, session.backends, emit);
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  const started = performance.now();
  const steps = await applyPlan(plan, {
    store: session.store,
    providers: session.providers,
    ctx: session.ctx,
    parallelism: Number.isInteger(parallelism) && parallelism > 0
      ? parallelism
      : DEFAULT_PARALLELISM,
    onEvent: (event) => emit(stepEvent(event)),
    crashAt: session.ctx.env.BOT_BOTTLE_TEST_CRASH_AT,
  });
  return {
    outcome: steps.failed.length === 0 ? "applied" : "failed",
    plan,
    steps,
    summary: summarize(plan),
    ms: performance.now() - started,
  };
}
