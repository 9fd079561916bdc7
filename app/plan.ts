/** Plan: what apply (or destroy) would change, read consistently with any writer. */
import { hasChanges, type Plan } from "../engine/plan.ts";
import { type LockOptions, readWithoutWriters } from "./locking.ts";
import { makeApplyPlan, makeDestroyPlan } from "./planner.ts";
import { assertProjectExists, type Session } from "./session.ts";
import { withTargets } from "./targets.ts";
import type { UnsetSecret } from "./unset_secrets.ts";

export interface PlanRequest extends LockOptions {
  /** Plan the destruction of everything recorded for the project instead. */
  destroy?: boolean;
  /** Only these resource ids and what they need (destroy: and what depends on them). */
  targets?: readonly string[];
  /** Seed workspaces of bottles without `workspace:` from this checkout (apply only). */
  workspaceSource?: string;
}

export interface PlanReport {
  plan: Plan;
  /** Whether applying the plan would change anything. */
  changes: boolean;
  /** Secrets that cannot be read now: planned as changes; apply refuses until they are set. */
  unsetSecrets: UnsetSecret[];
}

/** Makes a plan; with `lockTimeout`, waits that long for an apply or destroy in progress. */
export async function plan(session: Session, request: PlanRequest = {}): Promise<PlanReport> {
  const unsetSecrets: UnsetSecret[] = [];
  if (request.destroy) assertProjectExists(session);
  const whole = await readWithoutWriters(session, "plan", request, () => {
    unsetSecrets.length = 0;
    return request.destroy ? makeDestroyPlan(session) : makeApplyPlan(session, {
      workspaceSource: request.workspaceSource,
      unset: unsetSecrets,
    });
  });
  const targeted = withTargets(whole, request.targets);
  return { plan: targeted, changes: hasChanges(targeted), unsetSecrets };
}
