/**
 * Reading columns of a node:sqlite row with their types checked: the row is
 * `Record<string, SQLOutputValue>`, and a database another process writes (or a corrupted one)
 * is input, so a column of the wrong type is an error naming it, never a wrong value.
 */
import type { SQLOutputValue } from "node:sqlite";

export type SqlRow = Record<string, SQLOutputValue>;

export class SqlRowError extends Error {
  override name = "SqlRowError";
  /** Read by the CLI: an operator error, not an internal one. */
  readonly hint = "the database was changed by another program or is damaged: keep a copy, " +
    "then look at that row with sqlite3 (or forget a resource row: `bottle state rm ID`)";
}

function wrong(table: string, column: string, want: string, value: SQLOutputValue): never {
  const got = value === null ? "null" : typeof value;
  throw new SqlRowError(`${table}.${column} should be ${want}, not ${got}`);
}

export interface Columns {
  text(column: string): string;
  textOrNull(column: string): string | null;
  integer(column: string): number;
  integerOrNull(column: string): number | null;
  /** A text column holding one of `allowed`. */
  oneOf<T extends string>(column: string, allowed: readonly T[]): T;
}

/** A reader of one row of `table`. */
export function columns(table: string, row: SqlRow): Columns {
  return {
    text(column: string): string {
      const value = row[column];
      return typeof value === "string" ? value : wrong(table, column, "text", value);
    },
    textOrNull(column: string): string | null {
      const value = row[column];
      return value === null || typeof value === "string"
        ? value
        : wrong(table, column, "text", value);
    },
    integer(column: string): number {
      const value = row[column];
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      if (typeof value === "bigint") return Number(value);
      return wrong(table, column, "an integer", value);
    },
    integerOrNull(column: string): number | null {
      return row[column] === null ? null : this.integer(column);
    },
    oneOf<T extends string>(column: string, allowed: readonly T[]): T {
      const value = this.text(column);
      if ((allowed as readonly string[]).includes(value)) return value as T;
      throw new SqlRowError(`${table}.${column} is "${value}", not one of ${allowed.join(", ")}`);
    },
  };
}
