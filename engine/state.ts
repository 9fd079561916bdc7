import { columns, type SqlRow } from "../lib/sql_row.ts";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "../lib/json.ts";
import { GuardedDatabase } from "./state_database.ts";
import { describeProblem, mapStateError } from "./state_errors.ts";

/**
 * Journal phases: a row is written as `creating`/`updating`/`deleting` before the side
 * effect and becomes `ready` (or is removed) after it. A row left in a transitional status
 * means a step was interrupted; the next plan resolves it by reading the live object.
 */
export type RecordStatus = "creating" | "updating" | "deleting" | "ready";
const RECORD_STATUSES: readonly RecordStatus[] = ["creating", "updating", "deleting", "ready"];
const JOURNAL_PHASES: readonly JournalEntry["phase"][] = ["begin", "done", "failed"];

export interface ResourceRecord {
  id: string;
  type: string;
  bottle: string;
  /** Absolute path of the manifest directory that owns this resource. */
  project: string;
  inputs: JsonObject;
  outputs: JsonObject | null;
  dependsOn: string[];
  replaceWith: string[];
  status: RecordStatus;
  error: string | null;
  updatedAt: string;
}

export interface JournalEntry {
  seq: number;
  at: string;
  id: string;
  action: string;
  phase: "begin" | "done" | "failed";
  detail: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, bottle TEXT NOT NULL, project TEXT NOT NULL,
  inputs TEXT NOT NULL, outputs TEXT, depends_on TEXT NOT NULL, replace_with TEXT NOT NULL,
  status TEXT NOT NULL, error TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, id TEXT NOT NULL,
  action TEXT NOT NULL, phase TEXT NOT NULL, detail TEXT);
CREATE TABLE IF NOT EXISTS lock (
  id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, pid INTEGER NOT NULL,
  start_time INTEGER NOT NULL, host TEXT NOT NULL, acquired_at TEXT NOT NULL);
`;

const BUSY_RETRY_MS = 10_000;

/**
 * `exec`, tried again while SQLite answers "database is locked" without waiting: switching a
 * new database to WAL, or creating its tables, while another process does the same can fail
 * at once (SQLite skips the busy handler where waiting could deadlock).
 */
function execWhileBusy(db: GuardedDatabase, sql: string): void {
  const deadline = Date.now() + BUSY_RETRY_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let delay = 5;; delay = Math.min(delay * 2, 100)) {
    try {
      db.exec(sql);
      return;
    } catch (error) {
      const busy = error instanceof Error && /database is locked|SQLITE_BUSY/.test(error.message);
      if (!busy || Date.now() + delay > deadline) throw error;
      Atomics.wait(pause, 0, 0, delay);
    }
  }
}

/** The SQLite state store (WAL). One database per user, shared by every project. */
export class StateStore {
  /** Every error it raises about the file itself is a StateError naming the file. */
  readonly db: GuardedDatabase;
  readonly path: string;

  constructor(readonly stateDir: string) {
    this.path = join(stateDir, "state.db");
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw mapStateError(error, this.path);
    }
    this.db = GuardedDatabase.open(this.path);
    try {
      // busy_timeout first: two processes opening a new database race to switch it to WAL.
      this.db.exec("PRAGMA busy_timeout=10000;");
      execWhileBusy(this.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
      execWhileBusy(this.db, SCHEMA);
      this.#assertIntact();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /**
   * A database cut short or overwritten in its middle can still answer some queries with
   * part of its rows; quick_check (linear in its size, about 2 ms per MB) says so at once.
   */
  #assertIntact(): void {
    const rows = this.db.prepare("PRAGMA quick_check(5)").all() as Record<string, unknown>[];
    const problems = rows.map((row) => String(Object.values(row)[0]))
      .filter((line) => line !== "ok");
    if (problems.length > 0) throw describeProblem("corrupt", this.path, problems.join("; "));
  }

  close(): void {
    this.db.close();
  }

  /** Creates another module's tables (`CREATE … IF NOT EXISTS`), as the engine's own are. */
  ensureSchema(sql: string): void {
    execWhileBusy(this.db, sql);
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction. When it or the COMMIT fails, that error is the
   * one raised: SQLite may already have rolled back (a full disk), and the ROLLBACK's own
   * "no transaction is active" would hide the cause.
   */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.isTransaction) {
        try {
          this.db.exec("ROLLBACK");
        } catch {
          // The original error says what went wrong.
        }
      }
      throw error;
    }
  }

  all(): ResourceRecord[] {
    return this.db.prepare("SELECT * FROM resources ORDER BY id").all().map(toRecord);
  }

  forProject(project: string): ResourceRecord[] {
    return this.all().filter((record) => record.project === project);
  }

  forBottle(bottle: string): ResourceRecord[] {
    return this.all().filter((record) => record.bottle === bottle);
  }

  get(id: string): ResourceRecord | undefined {
    const row = this.db.prepare("SELECT * FROM resources WHERE id = ?").get(id);
    return row ? toRecord(row) : undefined;
  }

  /** Per-project change counter; a saved plan is refused once it has moved on. */
  serial(project: string): number {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(`serial:${project}`) as
      | { value: string }
      | undefined;
    return row ? Number(row.value) : 0;
  }

  upsert(record: Omit<ResourceRecord, "updatedAt">): void {
    this.transaction(() => {
      this.db.prepare(
        `INSERT INTO resources (id, type, bottle, project, inputs, outputs, depends_on,
           replace_with, status, error, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET type = excluded.type, bottle = excluded.bottle,
           project = excluded.project, inputs = excluded.inputs, outputs = excluded.outputs,
           depends_on = excluded.depends_on, replace_with = excluded.replace_with,
           status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`,
      ).run(
        record.id,
        record.type,
        record.bottle,
        record.project,
        JSON.stringify(record.inputs),
        record.outputs === null ? null : JSON.stringify(record.outputs),
        JSON.stringify(record.dependsOn),
        JSON.stringify(record.replaceWith),
        record.status,
        record.error,
        new Date().toISOString(),
      );
      this.#bump(record.project);
    });
  }

  remove(id: string): void {
    this.transaction(() => {
      const record = this.get(id);
      if (!record) return;
      this.db.prepare("DELETE FROM resources WHERE id = ?").run(id);
      this.#bump(record.project);
    });
  }

  journal(id: string, action: string, phase: JournalEntry["phase"], detail?: string): void {
    this.db.prepare("INSERT INTO journal (at, id, action, phase, detail) VALUES (?, ?, ?, ?, ?)")
      .run(new Date().toISOString(), id, action, phase, detail ?? null);
  }

  journalTail(limit: number): JournalEntry[] {
    return this.db.prepare("SELECT * FROM journal ORDER BY seq DESC LIMIT ?").all(limit)
      .map(toJournalEntry).reverse();
  }

  #bump(project: string): void {
    this.db.prepare(
      `INSERT INTO meta (key, value) VALUES (?, '1')
       ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
    ).run(`serial:${project}`);
  }
}

function toRecord(row: SqlRow): ResourceRecord {
  const column = columns("resources", row);
  return {
    id: column.text("id"),
    type: column.text("type"),
    bottle: column.text("bottle"),
    project: column.text("project"),
    inputs: JSON.parse(column.text("inputs")),
    outputs: row.outputs === null ? null : JSON.parse(column.text("outputs")),
    dependsOn: JSON.parse(column.text("depends_on")),
    replaceWith: JSON.parse(column.text("replace_with")),
    status: column.oneOf("status", RECORD_STATUSES),
    error: column.textOrNull("error"),
    updatedAt: column.text("updated_at"),
  };
}

function toJournalEntry(row: SqlRow): JournalEntry {
  const column = columns("journal", row);
  return {
    seq: column.integer("seq"),
    at: column.text("at"),
    id: column.text("id"),
    action: column.text("action"),
    phase: column.oneOf("phase", JOURNAL_PHASES),
    detail: column.textOrNull("detail"),
  };
}
