/** State operations on records: list, show one, forget (state rm), and remove the lock. */
import { forceUnlock, type LockHolder } from "../engine/lock.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { runningBottlesOnDisk, unrecordedBottles } from "../engine/state_health.ts";
import { UserError } from "./errors.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import type { Session } from "./session.ts";

export interface StateResources {
  /** Every recorded resource, of every project, by id. */
  resources: ResourceRecord[];
  /** Bottles that run but that the state does not record (restore it, or adopt them). */
  unrecordedRunningBottles: string[];
  /** The state database. */
  statePath: string;
}

/** Every recorded resource, and the running bottles the state misses. */
export function stateResources(session: Session): StateResources {
  const resources = session.store.all();
  const unrecorded = unrecordedBottles(
    runningBottlesOnDisk(session.ctx.stateDir),
    resources.map((record) => record.bottle),
  );
  return {
    resources,
    unrecordedRunningBottles: unrecorded.map((bottle) => bottle.bottle),
    statePath: session.store.path,
  };
}

/** One recorded resource (secrets only as fingerprints); a UserError when there is none. */
export function stateResource(session: Session, id: string): ResourceRecord {
  const record = session.store.get(id);
  if (!record) throw unknownIds([id]);
  return record;
}

export interface ForgetRequest extends LockOptions {
  /** Asked, holding the lock, before anything is forgotten; false cancels. */
  approve: (ids: readonly string[]) => boolean | Promise<boolean>;
}

export interface ForgetReport {
  outcome: "forgotten" | "cancelled";
  ids: string[];
}

/** Forgets resources without destroying them: their live objects are left as they are. */
export async function forgetResources(
  session: Session,
  ids: readonly string[],
  request: ForgetRequest,
): Promise<ForgetReport> {
  const missing = ids.filter((id) => !session.store.get(id));
  if (missing.length > 0) throw unknownIds(missing);
  return await withWriterLock(session, "state rm", request, async () => {
    if (!(await request.approve(ids))) return { outcome: "cancelled", ids: [...ids] };
    for (const id of ids) {
      session.store.journal(id, "forget", "begin");
      session.store.remove(id);
      session.store.journal(id, "forget", "done", "state rm");
    }
    return { outcome: "forgotten", ids: [...ids] };
  });
}

/** Removes the state lock whoever holds it (for a holder that is gone); who held it. */
export function removeStateLock(session: Session): LockHolder | null {
  return forceUnlock(session.store);
}

function unknownIds(ids: readonly string[]): UserError {
  return new UserError(
    `no resource ${ids.join(", ")} is recorded`,
    "see the recorded ids: deno task bottle state list",
  );
}
