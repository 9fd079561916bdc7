/**
 * Repairing the state database: its integrity and its backups (state check), putting a
 * backup in place (state restore), and recording running bottles it lost (state adopt).
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { acquireLock } from "../engine/lock.ts";
import {
  backupPaths,
  checkBackup,
  checkFile,
  type DatabaseCheck,
  madeAt,
  type RestoreResult,
  restoreState,
} from "../engine/state_backup.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { StateError } from "../engine/state_errors.ts";
import { runningBottlesOnDisk, unrecordedBottles } from "../engine/state_health.ts";
import { StateStore } from "../engine/state.ts";
import { UserError } from "./errors.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import { makeApplyPlan } from "./planner.ts";
import type { Session } from "./session.ts";
import { refuseUnset, type UnsetSecret } from "./unset_secrets.ts";

/** Where the state lives, for the operations that do not open it as a session does. */
export interface StateLocation {
  /** Default from `env` (BOT_BOTTLE_STATE_DIR, else the XDG state dir). */
  stateDir?: string;
  /** Default the process's environment. */
  env?: Record<string, string>;
}

export interface StateCheck {
  /** The database file. */
  path: string;
  /** Its check; null when there is no database (nothing recorded). */
  database: DatabaseCheck | null;
  /** The backups that exist, newest first. */
  backups: DatabaseCheck[];
  /** Bottles that run but that the database does not record (only for a good database). */
  unrecordedRunningBottles: string[];
}

/** Checks the database and its backups without changing them. */
export function checkState(location: StateLocation = {}): StateCheck {
  const stateDir = stateDirOf(location);
  const path = join(stateDir, "state.db");
  const database = existsSync(path) ? checkFile(path) : null;
  const backups = backupPaths(path).filter((file) => existsSync(file)).map((file) =>
    checkFile(file)
  );
  const recorded = database?.ok ? recordedBottles(stateDir) : [];
  const unrecorded = database?.ok
    ? unrecordedBottles(runningBottlesOnDisk(stateDir), recorded).map((bottle) => bottle.bottle)
    : [];
  return { path, database, backups, unrecordedRunningBottles: unrecorded };
}

/** Throws what a check found wrong (a corrupt database, bottles it lost), saying what to do. */
export function assertStateHealthy(check: StateCheck): void {
  const { path, database, backups } = check;
  if (database && !database.ok) {
    throw new UserError(
      `the state database ${path} is corrupt`,
      backups.some((backup) => backup.ok)
        ? "restore the last good copy: deno task bottle state restore"
        : `move it aside (mv ${path} ${path}.corrupt) and run deno task bottle state adopt --dir DIR`,
    );
  }
  const unrecorded = check.unrecordedRunningBottles;
  if (unrecorded.length > 0) {
    throw new UserError(
      `bottle(s) ${unrecorded.join(", ")} are running but not recorded in ${path}`,
      "deno task bottle state restore, or deno task bottle state adopt --dir DIR",
    );
  }
}

/** The copy a restore would put in place, checked. */
export interface RestoreCandidate {
  /** The database it replaces (kept beside it). */
  path: string;
  /** The backup. */
  from: string;
  resources: number;
  /** When the backup was made (ISO). */
  madeAt: string;
}

export interface RestoreRequest extends StateLocation {
  /** The copy to restore; default the last good one (state.db.bak). */
  from?: string;
  /** Asked once the copy is checked and no writer runs; false cancels. */
  approve: (candidate: RestoreCandidate) => boolean | Promise<boolean>;
}

export type RestoreReport =
  | { outcome: "restored"; candidate: RestoreCandidate; result: RestoreResult }
  | { outcome: "cancelled"; candidate: RestoreCandidate };

/** Puts a checked backup in place of the database; refused while a writer holds the lock. */
export async function restoreStateBackup(request: RestoreRequest): Promise<RestoreReport> {
  const stateDir = stateDirOf(request);
  const path = join(stateDir, "state.db");
  const from = request.from ?? backupPaths(path)[0];
  const check = checkBackup(path, from);
  await refuseWhileLocked(stateDir, path);
  const candidate = { path, from, resources: check.resources, madeAt: madeAt(from) };
  if (!(await request.approve(candidate))) return { outcome: "cancelled", candidate };
  return { outcome: "restored", candidate, result: restoreState(path, from) };
}

export interface AdoptReport {
  /** How many resources were recorded. */
  adopted: number;
  /** The bottles they belong to. */
  bottles: string[];
}

/**
 * Records the running bottles of the session's project that the state has lost, from the
 * manifests, as interrupted creates. The next plan reads each live object, as after a crash:
 * what runs as declared is settled (kept, not restarted); the rest is created.
 */
export function adoptRunningBottles(
  session: Session,
  request: LockOptions = {},
): Promise<AdoptReport> {
  return withWriterLock(session, "state adopt", request, async () => {
    const unset: UnsetSecret[] = [];
    const plan = await makeApplyPlan(session, { unset, adopting: true });
    refuseUnset(unset);
    const orphans = new Set(
      unrecordedBottles(
        runningBottlesOnDisk(session.ctx.stateDir),
        session.store.all().map((record) => record.bottle),
      ).map((bottle) => bottle.bottle),
    );
    const adopted = plan.actions.flatMap((action) =>
      action.kind === "create" && action.node !== null && orphans.has(action.bottle)
        ? [action.node]
        : []
    );
    for (const node of adopted) {
      session.store.upsert({
        id: node.id,
        type: node.type,
        bottle: node.bottle,
        project: session.project,
        inputs: node.inputs,
        outputs: null,
        dependsOn: node.dependsOn,
        replaceWith: node.replaceWith,
        status: "creating",
        error: null,
      });
      session.store.journal(node.id, "adopt", "done", "state adopt");
    }
    return { adopted: adopted.length, bottles: [...new Set(adopted.map((node) => node.bottle))] };
  });
}

function stateDirOf(location: StateLocation): string {
  return location.stateDir ?? resolveStateDir(location.env ?? Deno.env.toObject());
}

/** Takes and drops the lock at once: it fails, naming the holder, while a writer runs. */
async function refuseWhileLocked(stateDir: string, path: string): Promise<void> {
  if (!existsSync(path) || statSync(path).size === 0) return;
  let store: StateStore | null = null;
  try {
    store = new StateStore(stateDir);
    (await acquireLock(store, { holder: "state restore", timeoutMs: 0 })).release();
  } catch (error) {
    // A corrupt database has no lock to respect; anything else (a holder) stops the restore.
    if (!(error instanceof StateError && error.problem === "corrupt")) throw error;
  } finally {
    store?.close();
  }
}

function recordedBottles(stateDir: string): string[] {
  const store = new StateStore(stateDir);
  try {
    return store.all().map((record) => record.bottle);
  } finally {
    store.close();
  }
}
