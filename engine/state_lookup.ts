import { DatabaseSync } from "node:sqlite";
import type { JsonObject } from "../lib/json.ts";

export interface RecordSummary {
  id: string;
  type: string;
  bottle: string;
  inputs: JsonObject;
  outputs: JsonObject | null;
}

/**
 * Read-only lookups for hot paths such as `bottle exec`: no schema set-up, no writes, and
 * none of the filesystem modules the full StateStore needs.
 */
export class StateLookup {
  readonly #db: DatabaseSync | null;

  constructor(stateDir: string) {
    try {
      this.#db = new DatabaseSync(`${stateDir}/state.db`, { readOnly: true });
    } catch {
      this.#db = null;
    }
  }

  record(id: string): RecordSummary | null {
    const row = this.#query<
      { id: string; type: string; bottle: string; inputs: string; outputs: string | null }
    >(
      "SELECT id, type, bottle, inputs, outputs FROM resources WHERE id = ?",
      id,
    )[0];
    if (!row) return null;
    return {
      id: row.id,
      type: row.type,
      bottle: row.bottle,
      inputs: JSON.parse(row.inputs),
      outputs: row.outputs === null ? null : JSON.parse(row.outputs),
    };
  }

  ofType(type: string): RecordSummary[] {
    return this.#query<
      { id: string; type: string; bottle: string; inputs: string; outputs: string | null }
    >(
      "SELECT id, type, bottle, inputs, outputs FROM resources WHERE type = ? ORDER BY id",
      type,
    ).map((row) => ({
      id: row.id,
      type: row.type,
      bottle: row.bottle,
      inputs: JSON.parse(row.inputs),
      outputs: row.outputs === null ? null : JSON.parse(row.outputs),
    }));
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
      return this.#db.prepare(sql).all(parameter) as unknown as T[];
    } catch {
      return [];
    }
  }
}
