import { hostname } from "node:os";
import { identify, isAlive } from "../lib/process.ts";
import type { StateStore } from "./state.ts";

export interface LockHolder {
  holder: string;
  pid: number;
  startTime: number;
  host: string;
  acquiredAt: string;
}

export class LockError extends Error {
  override name = "LockError";
  constructor(message: string, readonly holder: LockHolder) {
    super(message);
  }
}

export interface LockOptions {
  /** What is taking the lock, e.g. `apply`; shown to whoever waits. */
  holder: string;
  /** How long to wait for another holder, in ms (0 = fail at once). */
  timeoutMs: number;
  /** Called once when we start waiting. */
  onWait?: (holder: LockHolder) => void;
}

/** A held lock; `release` is idempotent. */
export interface StateLock {
  release(): void;
}

/**
 * Takes the single writer lock row. A holder on this host whose process is gone (pid plus
 * start time) is stale and taken over, so a crashed apply never wedges the next one.
 */
export async function acquireLock(store: StateStore, options: LockOptions): Promise<StateLock> {
  const me = identify(Deno.pid);
  if (!me) throw new Error("cannot identify the current process");
  const host = hostname();
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  while (true) {
    const blocker = store.transaction(() => {
      const current = readHolder(store);
      if (current && !isStale(current, host)) return current;
      store.db.prepare(
        `INSERT OR REPLACE INTO lock (id, holder, pid, start_time, host, acquired_at)
         VALUES (1, ?, ?, ?, ?, ?)`,
      ).run(options.holder, me.pid, me.startTime, host, new Date().toISOString());
      return null;
    });
    if (!blocker) break;
    if (Date.now() >= deadline) {
      throw new LockError(describeHolder(blocker, options.timeoutMs), blocker);
    }
    if (!waited) options.onWait?.(blocker);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let released = false;
  return {
    release(): void {
      if (released) return;
      released = true;
      store.db.prepare("DELETE FROM lock WHERE id = 1 AND pid = ? AND start_time = ?")
        .run(me.pid, me.startTime);
    },
  };
}

export function readHolder(store: StateStore): LockHolder | null {
  const row = store.db.prepare("SELECT * FROM lock WHERE id = 1").get() as
    | { holder: string; pid: number; start_time: number; host: string; acquired_at: string }
    | undefined;
  if (!row) return null;
  return {
    holder: row.holder,
    pid: row.pid,
    startTime: row.start_time,
    host: row.host,
    acquiredAt: row.acquired_at,
  };
}

/** Removes the lock whoever holds it; returns who held it. */
export function forceUnlock(store: StateStore): LockHolder | null {
  const holder = readHolder(store);
  store.db.prepare("DELETE FROM lock WHERE id = 1").run();
  return holder;
}

function isStale(holder: LockHolder, host: string): boolean {
  return holder.host === host && !isAlive({ pid: holder.pid, startTime: holder.startTime });
}

export function describeHolder(holder: LockHolder, waitedMs: number): string {
  const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)}s)` : "";
  return `state is locked by \`${holder.holder}\` (pid ${holder.pid} on ${holder.host}, since ` +
    `${holder.acquiredAt})${waited}.\n  hint: wait for it, pass --lock-timeout 60s to wait ` +
    `longer, or run \`deno task bottle force-unlock\` if that process is gone.`;
}
