import type { JsonObject } from "../lib/json.ts";
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

interface SummaryRow {
  id: string;
  type: string;
  bottle: string;
  inputs: string;
  outputs: string | null;
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
    return this.#query<{ id: string }>("SELECT id FROM resources LIMIT ?", "1").length === 0;
  }

  record(id: string): RecordSummary | null {
    const row = this.#query<SummaryRow>(`SELECT ${COLUMNS} FROM resources WHERE id = ?`, id)[0];
    return row ? toSummary(row) : null;
  }

  ofType(type: string): RecordSummary[] {
    return this.#query<SummaryRow>(
      `SELECT ${COLUMNS} FROM resources WHERE type = ? ORDER BY id`,
      type,
    ).map(toSummary);
  }

  bottlesWith(type: string): string[] {
    return this.#query<{ bottle: string }>(
      "SELECT DISTINCT bottle FROM resources WHERE type = ? ORDER BY bottle",
      type,
    ).map((row) => row.bottle);
  }

  close(): void {
    this.#db?.close();
  }

  #query<T>(sql: string, parameter: string): T[] {
    if (!this.#db) return [];
    try {
      // node:sqlite types rows as Record<string, SQLOutputValue>; the SELECTs here name the
      // columns of the schema this module created, so the row shape is known.
      return this.#db.prepare(sql).all(parameter) as unknown as T[];
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

function toSummary(row: SummaryRow): RecordSummary {
  return {
    id: row.id,
    type: row.type,
    bottle: row.bottle,
    inputs: JSON.parse(row.inputs),
    outputs: row.outputs === null ? null : JSON.parse(row.outputs),
    status: row.status,
    error: row.error,
  };
}
