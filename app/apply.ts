/**
 * Apply: make live resources match the manifests, from a fresh plan (shown, then approved)
 * or from a plan saved earlier (refused once the state has moved on). Holds the state lock
 * throughout, after a backup of the state.
 */
import { hasChanges, type Plan } from "../engine/plan.ts";
import { UserError } from "./errors.ts";
import { sinkOf } from "./events.ts";
import { type ExecuteOptions, executePlan, type Execution } from "./execute.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import { makeApplyPlan } from "./planner.ts";
import type { Session } from "./session.ts";
import { withTargets } from "./targets.ts";
import { checkPlanSecrets, refuseUnset, type UnsetSecret } from "./unset_secrets.ts";

/** The result of apply or destroy. */
export type ApplyReport =
  | Execution
  /** The plan changes nothing: nothing was asked or done. */
  | { outcome: "unchanged"; plan: Plan }
  /** Approval was refused: nothing was done. */
  | { outcome: "cancelled"; plan: Plan };

/** Asked, once a fresh plan is known and changes something, whether to carry it out. */
export type Approval = (plan: Plan) => boolean | Promise<boolean>;

export interface ApplyRequest extends LockOptions, ExecuteOptions {
  /**
   * A plan saved earlier (see readPlanFile): applied as it is, without approval, if the
   * project's state has not changed since it was made. The session must be its project's.
   */
  saved?: Plan;
  /** Where the saved plan came from, for messages (its file). */
  savedFrom?: string;
  /** Fresh plans only: only these resource ids and what they need. */
  targets?: readonly string[];
  /** Fresh plans only: seed workspaces of bottles without `workspace:` from this checkout. */
  workspaceSource?: string;
  /**
   * Asked before a fresh plan that changes something is carried out; false cancels. Not asked
   * for a saved plan (making and reviewing it was the approval). `() => true`: unattended.
   */
  approve: Approval;
}

/** Applies a fresh plan (after `approve`) or a saved one, holding the state lock. */
export function apply(session: Session, request: ApplyRequest): Promise<ApplyReport> {
  return withWriterLock(session, "apply", request, () => {
    return request.saved
      ? applySaved(session, request.saved, request)
      : applyFresh(session, request);
  });
}

async function applySaved(
  session: Session,
  plan: Plan,
  request: ApplyRequest,
): Promise<ApplyReport> {
  if (request.workspaceSource !== undefined) {
    throw new UserError(
      "--cwd has no effect on a saved plan: its workspaces' sources are in the plan",
      "pass --cwd to `plan --out FILE` instead",
    );
  }
  if (request.targets) {
    throw new UserError(
      "--target has no effect on a saved plan: it was targeted (or not) when it was made",
      "pass --target to `plan --out FILE` instead",
    );
  }
  const serial = session.store.serial(plan.project);
  if (serial !== plan.serial) {
    throw new UserError(
      `the saved plan${request.savedFrom ? ` ${request.savedFrom}` : ""} is stale: state has ` +
        `changed since it was made (serial ${plan.serial} → ${serial})`,
      "run plan again and review the new plan",
    );
  }
  sinkOf(request)({ type: "planned", plan, saved: true });
  checkPlanSecrets(plan, session.ctx.env);
  return await executePlan(session, plan, request);
}

async function applyFresh(session: Session, request: ApplyRequest): Promise<ApplyReport> {
  const unset: UnsetSecret[] = [];
  const plan = withTargets(
    await makeApplyPlan(session, { workspaceSource: request.workspaceSource, unset }),
    request.targets,
  );
  sinkOf(request)({ type: "planned", plan, saved: false });
  if (!hasChanges(plan)) return { outcome: "unchanged", plan };
  refuseUnset(unset);
  if (!(await request.approve(plan))) return { outcome: "cancelled", plan };
  return await executePlan(session, plan, request);
}
