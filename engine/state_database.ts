import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mapStateError } from "./state_errors.ts";

/**
 * A DatabaseSync whose every error about the file (corrupt, full, read-only, unopenable)
 * becomes a StateError naming the file and what to do: opening, `exec`, and each call on
 * a prepared statement. The lock and the planner use `db` directly; they get the same.
 */
export class GuardedDatabase extends DatabaseSync {
  readonly path: string;

  private constructor(path: string, options?: { readOnly?: boolean }) {
    super(path, options);
    this.path = path;
  }

  static open(path: string, options?: { readOnly?: boolean }): GuardedDatabase {
    try {
      return new GuardedDatabase(path, options);
    } catch (error) {
      throw mapStateError(error, path);
    }
  }

  override exec(sql: string): void {
    try {
      super.exec(sql);
    } catch (error) {
      throw mapStateError(error, this.path);
    }
  }

  override prepare(sql: string): StatementSync {
    let statement: StatementSync;
    try {
      statement = super.prepare(sql);
    } catch (error) {
      throw mapStateError(error, this.path);
    }
    const path = this.path;
    return new Proxy(statement, {
      get(target, property): unknown {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]): unknown => {
          try {
            return Reflect.apply(value, target, args);
          } catch (error) {
            throw mapStateError(error, path);
          }
        };
      },
    });
  }
}
