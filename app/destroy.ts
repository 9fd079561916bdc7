/**
 * Destroy: tear down what was applied from the project, in reverse dependency order, from
 * the edges recorded in state (so it works when the manifests changed or are gone).
 */
import { hasChanges } from "../engine/plan.ts";
import type { ApplyReport, Approval } from "./apply.ts";
import { sinkOf } from "./events.ts";
import { type ExecuteOptions, executePlan } from "./execute.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import { makeDestroyPlan } from "./planner.ts";
import { assertProjectExists, type Session } from "./session.ts";
import { withTargets } from "./targets.ts";

export interface DestroyRequest extends LockOptions, ExecuteOptions {
  /** Only these bottles' resources. */
  bottles?: readonly string[];
  /** Only these resource ids and what depends on them. */
  targets?: readonly string[];
  /** Asked before a plan that destroys something is carried out; false cancels. */
  approve: Approval;
}

/** Destroys the project's recorded resources (after `approve`), holding the state lock. */
export async function destroy(session: Session, request: DestroyRequest): Promise<ApplyReport> {
  assertProjectExists(session);
  return await withWriterLock(session, "destroy", request, async () => {
    const plan = withTargets(await makeDestroyPlan(session, request.bottles), request.targets);
    sinkOf(request)({ type: "planned", plan, saved: false });
    if (!hasChanges(plan)) return { outcome: "unchanged", plan };
    if (!(await request.approve(plan))) return { outcome: "cancelled", plan };
    return await executePlan(session, plan, request);
  });
}
