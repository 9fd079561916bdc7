import type { Plan } from "../engine/plan.ts";
import { TargetError, targetPlan, targetWarning } from "../engine/target.ts";
import { UserError } from "./errors.ts";

/** `--target ID` (repeatable): the plan restricted to those resources and what they need. */
export function withTargets(plan: Plan, targets: string[] | undefined): Plan {
  if (!targets || targets.length === 0) return plan;
  try {
    return targetPlan(plan, targets);
  } catch (error) {
    if (error instanceof TargetError) throw new UserError(error.message, error.hint);
    throw error;
  }
}

/** Terraform's warning for a targeted plan; empty for a whole one. */
export function targetNotice(plan: Plan): string {
  return plan.targets && plan.targets.length > 0 ? targetWarning(plan.targets, plan.mode) : "";
}
