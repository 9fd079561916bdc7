/**
 * The locking rules every operation follows. A writer (apply, destroy, state rm, adopt…)
 * takes the state lock, then keeps the last good copy of the state before it changes
 * anything. A reader (plan, drift) never reports a writer's half-applied state: it waits up
 * to its timeout for the writer to finish, else fails naming it (see engine/lock.ts).
 */
import { acquireLock, readConsistently } from "../engine/lock.ts";
import { backupState } from "../engine/state_backup.ts";
import { type Duration, durationMs } from "./duration.ts";
import { type EventSink, type Observed, sinkOf } from "./events.ts";
import type { Session } from "./session.ts";

export interface LockOptions extends Observed {
  /** How long to wait for the state lock (or, reading, for a writer); default: not at all. */
  lockTimeout?: Duration;
}

/** Runs `write` holding the writer lock, after the state's backup; releases it after. */
export async function withWriterLock<T>(
  session: Session,
  holder: string,
  options: LockOptions,
  write: () => Promise<T>,
): Promise<T> {
  const emit: EventSink = sinkOf(options);
  const lock = await acquireLock(session.store, {
    holder,
    timeoutMs: durationMs(options.lockTimeout),
    onWait: (current) => emit({ type: "lock-waiting", holder: current }),
  });
  try {
    backupState(session.store);
    return await write();
  } finally {
    lock.release();
  }
}

/** Runs a reading operation's `read` so that it never sees a writer's half-applied changes. */
export function readWithoutWriters<T>(
  session: Session,
  reader: string,
  options: LockOptions,
  read: () => Promise<T>,
): Promise<T> {
  const emit: EventSink = sinkOf(options);
  return readConsistently(session.store, {
    reader,
    timeoutMs: durationMs(options.lockTimeout),
    onWait: (writer) => emit({ type: "reader-waiting", reader, writer }),
  }, read);
}
