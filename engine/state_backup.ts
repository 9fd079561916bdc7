import { chmodSync, copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { GuardedDatabase } from "./state_database.ts";
import { describeProblem, StateError } from "./state_errors.ts";
import type { StateStore } from "./state.ts";

/** Newest first: the last good copy, then the one before. */
export function backupPaths(dbPath: string): string[] {
  return [`${dbPath}.bak`, `${dbPath}.bak.1`];
}

export interface DatabaseCheck {
  path: string;
  ok: boolean;
  /** What integrity_check (or opening) reported when not ok. */
  problems: string[];
  resources: number;
}

/** Runs `PRAGMA quick_check` (or the full integrity_check) on a store's open database. */
export function checkStore(store: StateStore, full = false): DatabaseCheck {
  return checkDatabase(store.db, store.path, full);
}

/** Checks a database file without changing it (opened read-only). */
export function checkFile(path: string, full = true): DatabaseCheck {
  let db: GuardedDatabase;
  try {
    db = GuardedDatabase.open(path, { readOnly: true });
  } catch (error) {
    return { path, ok: false, problems: [messageOf(error)], resources: 0 };
  }
  try {
    return checkDatabase(db, path, full);
  } finally {
    db.close();
  }
}

function checkDatabase(db: GuardedDatabase, path: string, full: boolean): DatabaseCheck {
  try {
    const rows = db.prepare(full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)")
      .all() as Record<string, unknown>[];
    const problems = rows.map((row) => String(Object.values(row)[0])).filter((line) =>
      line !== "ok"
    );
    if (problems.length > 0) return { path, ok: false, problems, resources: 0 };
    const hasTable = db.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'resources'",
    ).get() as { n: number };
    const resources = hasTable.n === 0
      ? 0
      : (db.prepare("SELECT count(*) AS n FROM resources").get() as { n: number }).n;
    return { path, ok: true, problems: [], resources };
  } catch (error) {
    if (error instanceof StateError && error.problem !== "corrupt") throw error;
    return { path, ok: false, problems: [messageOf(error)], resources: 0 };
  }
}

/**
 * Before a writing command: keeps the last good copy of the database beside it
 * (`state.db.bak`, the one before as `state.db.bak.1`, mode 0600). A database that fails
 * its check is not copied, and nothing is written into it: the StateError says what to do.
 * A state with no resources never replaces a backup that has some (a deleted or emptied
 * database must not rotate the last good copy away).
 */
export function backupState(store: StateStore): string | null {
  const check = checkStore(store);
  if (!check.ok) throw describeProblem("corrupt", store.path, check.problems.join("; "));
  const [newest, older] = backupPaths(store.path);
  if (check.resources === 0 && existsSync(newest) && checkFile(newest, false).resources > 0) {
    return null;
  }
  const temporary = `${store.path}.bak.tmp-${Deno.pid}`;
  rmSync(temporary, { force: true });
  try {
    store.db.prepare("VACUUM INTO ?").run(temporary);
    chmodSync(temporary, 0o600);
    clearLock(temporary);
    if (existsSync(newest)) renameSync(newest, older);
    renameSync(temporary, newest);
  } finally {
    rmSync(temporary, { force: true });
  }
  return newest;
}

/** A backup holds the lock row of the command that made it; a restored state is unlocked. */
function clearLock(path: string): void {
  const db = GuardedDatabase.open(path);
  try {
    db.exec("DELETE FROM lock");
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  restored: DatabaseCheck;
  /** Where the replaced database was kept (null when there was none). */
  keptAs: string | null;
}

/**
 * Replaces the database at `dbPath` with the checked copy `from`. The replaced database
 * (and its WAL) is kept as `state.db.replaced-TIME`, never deleted. The caller makes sure
 * no writer holds the lock.
 */
export function restoreState(dbPath: string, from: string): RestoreResult {
  const restored = checkBackup(dbPath, from);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const keptAs = existsSync(dbPath) ? `${dbPath}.replaced-${stamp}` : null;
  const temporary = `${dbPath}.restore-${Deno.pid}`;
  copyFileSync(from, temporary);
  chmodSync(temporary, 0o600);
  if (keptAs) {
    renameSync(dbPath, keptAs);
    if (existsSync(`${dbPath}-wal`)) renameSync(`${dbPath}-wal`, `${keptAs}-wal`);
  }
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  renameSync(temporary, dbPath);
  return { restored, keptAs };
}

/** Checks that `from` exists and is a good copy; a StateError saying what to do if not. */
export function checkBackup(dbPath: string, from: string): DatabaseCheck {
  if (!existsSync(from)) {
    throw new StateError(
      `no backup at ${from}`,
      `backups are made before each apply, destroy and state rm: ${backupPaths(dbPath).join(", ")}`,
      "unopenable",
      from,
    );
  }
  const check = checkFile(from);
  if (!check.ok) {
    throw new StateError(
      `the backup ${from} is not a good copy: ${check.problems.join("; ")}`,
      `try an older one: deno task bottle state restore --from ${backupPaths(dbPath)[1]}`,
      "corrupt",
      from,
    );
  }
  return check;
}

/** When a backup was made, for the confirmation question. */
export function madeAt(path: string): string {
  return statSync(path).mtime.toISOString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
