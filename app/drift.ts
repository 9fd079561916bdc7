/** Drift: refresh live state and compare it with what state recorded (nothing is changed). */
import { detectDrift, type DriftItem } from "../engine/drift.ts";
import { readLive } from "../engine/refresh.ts";
import { assertNoUnrecordedBottles } from "../engine/state_health.ts";
import { type LockOptions, readWithoutWriters } from "./locking.ts";
import { assertProjectExists, type Session } from "./session.ts";

export interface DriftRequest extends LockOptions {
  /** Every recorded bottle, not only the session's project's. */
  all?: boolean;
}

export interface DriftReport {
  drifted: boolean;
  items: DriftItem[];
}

/** Compares live objects with state; with `lockTimeout`, waits that long for a writer. */
export async function drift(session: Session, request: DriftRequest = {}): Promise<DriftReport> {
  if (!request.all) assertProjectExists(session);
  assertNoUnrecordedBottles(session.store, "drift cannot compare them with anything");
  const items = await readWithoutWriters(session, "drift", request, async () => {
    const records = request.all ? session.store.all() : session.store.forProject(session.project);
    return detectDrift(records, await readLive(records, session.providers, session.ctx));
  });
  return { drifted: items.length > 0, items };
}
