import { readConsistently } from "../engine/lock.ts";
import { parseDuration } from "./duration.ts";
import type { Session } from "./session.ts";

/**
 * Runs a reading command's read (`plan`, `drift`) so that it never reports an apply's or a
 * destroy's half-applied state: it waits up to `--lock-timeout` for the writer to finish,
 * else fails naming it (exit 1). See `readConsistently` in engine/lock.ts.
 */
export function readWithoutWriters<T>(
  session: Session,
  reader: string,
  lockTimeout: string | undefined,
  read: () => Promise<T>,
): Promise<T> {
  return readConsistently(session.store, {
    reader,
    timeoutMs: parseDuration(lockTimeout ?? "0s"),
    onWait: (writer) =>
      console.error(
        `waiting for \`${writer.holder}\` (pid ${writer.pid}) to finish before ${reader} reads…`,
      ),
  }, read);
}
