import type { JsonObject } from "../lib/json.ts";
import { columns, type SqlRow } from "../lib/sql_row.ts";
import { GuardedDatabase } from "./state_database.ts";

export interface RecordSummary {
  id: string;
  type: string;
  bottle: string;
  inputs: JsonObject;
  outputs: JsonObject | null;
  status: string;
  error: string | null;
}

const COLUMNS = "id, type, bottle, inputs, outputs, status, error";

/**
 * Read-only lookups for hot paths such as `bottle exec`: no schema set-up, no writes, and
 * none of the filesystem modules the full StateStore needs. A missing or empty database
 * holds no records; one that cannot be read raises a StateError naming it (never an empty
 * answer: exec would call a running bottle "not applied").
 */
export class StateLookup {
  readonly #db: GuardedDatabase | null;

  constructor(stateDir: string) {
    const path = `${stateDir}/state.db`;
    this.#db = sizeOf(path) > 0 ? GuardedDatabase.open(path, { readOnly: true }) : null;
  }

  /** Whether the database holds no resource table or no rows at all. */
  isEmpty(): boolean {
    if (!this.#db) return true;
    return this.#query("SELECT id FROM resources LIMIT ?", "1").length === 0;
  }

  record(id: string): RecordSummary | null {
    const row = this.#query(`SELECT ${COLUMNS} FROM resources WHERE id = ?`, id)[0];
    return row ? toSummary(row) : null;
  }

  ofType(type: string): RecordSummary[] {
    return this.#query(
      `SELECT ${COLUMNS} FROM resources WHERE type = ? ORDER BY id`,
      type,
    ).map(toSummary);
  }

  bottlesWith(type: string): string[] {
    return this.#query(
      "SELECT DISTINCT bottle FROM resources WHERE type = ? ORDER BY bottle",
      type,
    ).map((row) => columns("resources", row).text("bottle"));
  }

  close(): void {
    this.#db?.close();
  }

  #query(sql: string, parameter: string): SqlRow[] {
    if (!this.#db) return [];
    try {
      return this.#db.prepare(sql).all(parameter);
    } catch (error) {
      // A database no apply has written yet has no tables: it holds nothing.
      if (error instanceof Error && /no such table/.test(error.message)) return [];
      throw error;
    }
  }
}

/** The file's size; 0 when it cannot be seen (as node:fs's existsSync, which this replaces). */
function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

function toSummary(row: SqlRow): RecordSummary {
  const column = columns("resources", row);
  return {
    id: column.text("id"),
    type: column.text("type"),
    bottle: column.text("bottle"),
    inputs: JSON.parse(column.text("inputs")),
    outputs: row.outputs === null ? null : JSON.parse(column.text("outputs")),
    status: column.text("status"),
    error: column.textOrNull("error"),
  };
}
