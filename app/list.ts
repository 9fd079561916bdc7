/** List: every bottle in the state database (all projects) and its health, read live. */
import { readLive } from "../engine/refresh.ts";
import { runningBottlesOnDisk, unrecordedBottles } from "../engine/state_health.ts";
import { backendOf } from "./backends.ts";
import type { Session } from "./session.ts";

export interface BottleStatus {
  bottle: string;
  /** The project it was applied from (`-` for a bottle the state does not record). */
  project: string;
  /** Its sandbox's backend (`-` when none is recorded). */
  backend: string;
  /** `running`, `degraded (TYPE, …)`, or `running, NOT RECORDED in state`. */
  status: string;
  /** How many resources are recorded for it. */
  resources: number;
}

export interface BottleList {
  /** Recorded bottles by name, then the running bottles the state does not record. */
  bottles: BottleStatus[];
  /** Names of bottles that run but have no record (restore the state, or adopt them). */
  unrecorded: string[];
  /** The state database. */
  statePath: string;
}

/** Every recorded bottle and its health (from live reads), then unrecorded running ones. */
export async function listBottles(session: Session): Promise<BottleList> {
  const records = session.store.all();
  const reads = await readLive(records, session.providers, session.ctx);
  const bottles = [...new Set(records.map((record) => record.bottle))].sort().map(
    (name): BottleStatus => {
      const own = records.filter((record) => record.bottle === name);
      const sandbox = own.map(backendOf).find((backend) => backend !== null);
      const unhealthy = own.filter((record) => {
        const read = reads.get(record.id);
        return read?.status !== "found" || read.drift.length > 0;
      });
      return {
        bottle: name,
        project: own[0].project,
        backend: sandbox ?? "-",
        status: unhealthy.length === 0
          ? "running"
          : `degraded (${unhealthy.map((r) => r.type).join(", ")})`,
        resources: own.length,
      };
    },
  );
  const unrecorded = unrecordedBottles(
    runningBottlesOnDisk(session.ctx.stateDir),
    records.map((record) => record.bottle),
  );
  for (const live of unrecorded) {
    bottles.push({
      bottle: live.bottle,
      project: "-",
      backend: "-",
      status: "running, NOT RECORDED in state",
      resources: 0,
    });
  }
  return {
    bottles,
    unrecorded: unrecorded.map((live) => live.bottle),
    statePath: session.store.path,
  };
}
