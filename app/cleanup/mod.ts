/**
 * `bottle cleanup`: the orphans crashed runs left on every backend (see plan.ts for what is
 * one), found and reaped holding the state lock as a writer, so that no apply runs meanwhile
 * and nothing recorded changes between the look and the reaping.
 */
import { type LockOptions, withWriterLock } from "../locking.ts";
import type { Session } from "../session.ts";
import { observeCleanup } from "./observe.ts";
import { planCleanup } from "./plan.ts";
import { reapOrphans, type ReapResult } from "./reap.ts";
import type { CleanupPlan } from "./types.ts";

export type { CleanupPlan, Orphan, OrphanKind, OrphanTarget } from "./types.ts";
export type { ReapResult } from "./reap.ts";
export { KIND_ORDER } from "./plan.ts";

export interface CleanupRequest extends LockOptions {
  /** Asked once, when there are orphans; false reaps nothing. */
  approve: (plan: CleanupPlan) => boolean | Promise<boolean>;
  /** Called as each orphan is reaped (or fails). */
  onReaped?: (result: ReapResult) => void;
}

export interface CleanupReport {
  /** `clean`: no orphans; `cancelled`: not approved; `reaped`: each one was tried. */
  outcome: "clean" | "cancelled" | "reaped";
  plan: CleanupPlan;
  /** One per orphan, in order (empty unless reaped). */
  results: ReapResult[];
  /** The state database whose lock was held. */
  statePath: string;
  /** How long looking took, and reaping (ms). */
  observeMs: number;
  reapMs: number;
}

export function cleanup(session: Session, request: CleanupRequest): Promise<CleanupReport> {
  return withWriterLock(session, "cleanup", request, async () => {
    const started = performance.now();
    const plan = planCleanup(await observeCleanup(session));
    const observeMs = performance.now() - started;
    const report = { plan, statePath: session.store.path, observeMs, results: [], reapMs: 0 };
    if (plan.orphans.length === 0) return { ...report, outcome: "clean" };
    if (!(await request.approve(plan))) return { ...report, outcome: "cancelled" };
    const reaping = performance.now();
    const results = await reapOrphans(session.store, plan.orphans, request.onReaped);
    return { ...report, outcome: "reaped", results, reapMs: performance.now() - reaping };
  });
}
