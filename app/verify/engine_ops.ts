/**
 * The engine as verify uses it: drift and apply of one bottle, and where the engine writes
 * into its home. A temporary bottle is applied exactly as `apply --yes` does (plan from its
 * manifests); a named bottle is repaired from its recorded state only, so a verify never
 * carries a half-edited manifest into the operator's bottle, and never replaces or deletes
 * anything there.
 */
import { relative } from "node:path";
import { applyPlan } from "../../engine/apply.ts";
import { detectDrift } from "../../engine/drift.ts";
import type { ResourceNode } from "../../engine/graph.ts";
import type { Plan } from "../../engine/plan.ts";
import { readLive } from "../../engine/refresh.ts";
import type { ResourceRecord } from "../../engine/state.ts";
import { preflightPlan } from "../backends.ts";
import { withWriterLock } from "../locking.ts";
import { makeApplyPlan, planAgainst } from "../planner.ts";
import { type RecordedSandbox, recordedSandbox } from "../sandbox.ts";
import type { Session } from "../session.ts";
import type { ApplyOutcome, EngineView, HomeWrite } from "./types.ts";

/** Verify's writes wait this long for an apply or destroy in progress. */
const LOCK_TIMEOUT_MS = 30_000;

/** One bottle's records in a session's state. */
export function bottleRecords(session: Session, bottle: string): ResourceRecord[] {
  return session.store.all().filter((record) => record.bottle === bottle);
}

/** Runs a plan (after the backend's preflight); what it did, in words. */
export async function runPlan(session: Session, plan: Plan): Promise<ApplyOutcome> {
  await preflightPlan(plan, session.backends, () => {});
  const changing = plan.actions.filter((action) => action.kind !== "noop");
  if (changing.length === 0) return { ok: true, summary: "nothing to change" };
  const result = await applyPlan(plan, {
    store: session.store,
    providers: session.providers,
    ctx: session.ctx,
    parallelism: 4,
  });
  if (result.failed.length > 0) {
    const failures = result.failed.map((failure) => `${failure.key}: ${failure.error}`);
    return { ok: false, summary: failures.join("; ") };
  }
  return {
    ok: true,
    summary: changing.map((action) => `${action.kind} ${action.id}`).join(", "),
  };
}

/** `apply --yes` of the session's project (the temporary bottle's). */
export function applyProject(session: Session): Promise<ApplyOutcome> {
  return withWriterLock(
    session,
    "verify",
    { lockTimeout: LOCK_TIMEOUT_MS },
    async () => await runPlan(session, await makeApplyPlan(session)),
  );
}

/**
 * Repairs a named bottle's drift from its recorded inputs (as `apply` would for a bottle
 * whose manifests did not change): what is gone is made again, what drifted is updated. A
 * plan that would replace or delete anything (the agent's workspace…) is not applied.
 */
export function repairBottle(session: Session, bottle: string): Promise<ApplyOutcome> {
  return withWriterLock(session, "verify", { lockTimeout: LOCK_TIMEOUT_MS }, async () => {
    const records = bottleRecords(session, bottle);
    const plan = await planAgainst(session, {
      mode: "apply",
      project: records[0]?.project ?? "",
      desired: records.map(nodeOf),
      records,
    });
    const drastic = plan.actions.filter((a) => a.kind === "replace" || a.kind === "delete");
    if (drastic.length > 0) {
      const what = drastic.map((action) => `${action.kind} ${action.id}`).join(", ");
      return { ok: false, summary: `not applied: the repair would ${what}` };
    }
    return await runPlan(session, plan);
  });
}

function nodeOf(record: ResourceRecord): ResourceNode {
  return {
    id: record.id,
    type: record.type,
    bottle: record.bottle,
    inputs: record.inputs,
    dependsOn: record.dependsOn,
    replaceWith: record.replaceWith,
  };
}

/** Drift of one bottle, one line per item. */
export async function bottleDrift(session: Session, bottle: string): Promise<string[]> {
  const records = bottleRecords(session, bottle);
  const reads = await readLive(records, session.providers, session.ctx);
  return detectDrift(records, reads).map((item) => `${item.id}: ${item.detail}`);
}

/** The sandbox's handle and spec as recorded (null when it is not recorded as created). */
export function bottleSandbox(
  records: readonly ResourceRecord[],
  stateDir: string,
): RecordedSandbox | null {
  const record = records.find((r) => r.type === "sandbox");
  return record ? recordedSandbox(record, stateDir) : null;
}

/** Files and directories the engine writes below the home, from the bottle's records. */
export function homeWritesOf(records: readonly ResourceRecord[], homeDir: string): HomeWrite[] {
  const writes: HomeWrite[] = [];
  const under = (path: string): string | null => {
    const rel = relative(homeDir, path);
    return rel && !rel.startsWith("..") && !rel.startsWith("/") ? rel : null;
  };
  const add = (path: string, kind: HomeWrite["kind"]): void => {
    const rel = under(path);
    if (rel !== null) writes.push({ path: rel, kind, viaTmp: kind === "file" });
  };
  for (const record of records) {
    const inputs = record.inputs;
    if (record.type === "gitconfig" && typeof inputs.path === "string") add(inputs.path, "file");
    if (record.type === "agent_skills" && typeof inputs.dir === "string") add(inputs.dir, "dir");
    if (record.type === "agent_home" && typeof inputs.home === "string") {
      const dir = `${inputs.home}/${String(inputs.dir ?? "")}`;
      const names = [
        ...Object.keys((inputs.files ?? {}) as Record<string, unknown>),
        ...Object.keys((inputs.json_seeds ?? {}) as Record<string, unknown>),
      ];
      for (const name of names) add(`${dir}/${name}`, "file");
    }
  }
  return writes.sort((a, b) => a.path.localeCompare(b.path));
}

/** The engine view of one bottle (`apply` differs between temporary and named bottles). */
export function engineView(
  session: Session,
  bottle: string,
  homeDir: string,
  apply: () => Promise<ApplyOutcome>,
): EngineView {
  return {
    drift: () => bottleDrift(session, bottle),
    apply: async (): Promise<ApplyOutcome> => {
      try {
        return await apply();
      } catch (error) {
        return { ok: false, summary: error instanceof Error ? error.message : String(error) };
      }
    },
    homeWrites: () => homeWritesOf(bottleRecords(session, bottle), homeDir),
    sandbox: () => bottleSandbox(bottleRecords(session, bottle), session.ctx.stateDir),
  };
}
