import type { Plan } from "../engine/plan.ts";
import { TargetError, targetPlan } from "../engine/target.ts";
import { UserError } from "./errors.ts";

/** The plan restricted to these resources and what they need (all of it without targets). */
export function withTargets(plan: Plan, targets: readonly string[] | undefined): Plan {
  if (!targets || targets.length === 0) return plan;
  try {
    return targetPlan(plan, [...targets]);
  } catch (error) {
    if (error instanceof TargetError) throw new UserError(error.message, error.hint);
    throw error;
  }
}
