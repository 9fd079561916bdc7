import { hostname } from "node:os";
import { identify, isAlive } from "../lib/process.ts";
import type { StateStore } from "./state.ts";
import { sleep } from "../lib/wait.ts";

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
 * Every acquisition bumps the lock generation in the same transaction (see `readConsistently`).
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
      store.db.prepare(
        `INSERT INTO meta (key, value) VALUES (?, '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
      ).run(GENERATION_KEY);
      return null;
    });
    if (!blocker) break;
    if (Date.now() >= deadline) {
      throw new LockError(describeHolder(blocker, options.timeoutMs), blocker);
    }
    if (!waited) options.onWait?.(blocker);
    waited = true;
    await sleep(100);
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

interface HolderRow {
  holder: string;
  pid: number;
  start_time: number;
  host: string;
  acquired_at: string;
}

export function readHolder(store: StateStore): LockHolder | null {
  const row = store.db.prepare("SELECT * FROM lock WHERE id = 1").get() as HolderRow | undefined;
  return row ? toHolder(row) : null;
}

function toHolder(row: HolderRow): LockHolder {
  return {
    holder: row.holder,
    pid: row.pid,
    startTime: row.start_time,
    host: row.host,
    acquiredAt: row.acquired_at,
  };
}

const GENERATION_KEY = "lock:generation";

export interface ReadOptions {
  /** What is reading, e.g. `drift`; named in the error. */
  reader: string;
  /** How long to wait for a writer to finish, in ms (0 = fail at once). */
  timeoutMs: number;
  /** Called once when we start waiting. */
  onWait?: (holder: LockHolder) => void;
}

/** How often a writer may come and go during one read before the reader gives up. */
const MAX_REREADS = 3;

/**
 * Runs `read` (plan, drift: anything that reports live versus recorded state) so that its
 * result never mixes a writer's half-applied changes, without ever making a writer wait.
 *
 * Optimistic, like a seqlock: a writer changes anything only while it holds the lock row,
 * and every acquisition bumps the lock generation in the same transaction. Before the
 * read we take one snapshot of (live holder, generation); after it, another. If neither
 * shows a live holder and the generation is the same, no writer held the lock at any
 * moment of the read, so its answer is true. A writer that started after the first
 * check bumped the generation (or still holds the lock): the answer is thrown away and
 * the reader waits for it and reads again, or fails naming it once `timeoutMs` has passed.
 * A holder whose process is gone (a crashed apply) is stale: it changes nothing any more,
 * so it does not block readers (and readers never write, so they leave it for the next
 * writer to take over).
 */
export async function readConsistently<T>(
  store: StateStore,
  options: ReadOptions,
  read: () => Promise<T>,
): Promise<T> {
  const host = hostname();
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  let rereads = 0;
  while (true) {
    const before = writerSnapshot(store, host);
    let writer = before.writer;
    if (!writer) {
      const result = await read();
      const after = writerSnapshot(store, host);
      if (!after.writer && after.generation === before.generation) return result;
      writer = after.writer;
      if (!writer) {
        if (++rereads <= MAX_REREADS) continue;
        throw new Error(
          `the state kept changing while ${options.reader} read it (${rereads} writers came ` +
            `and went); ${options.reader} gives no answer.\n  hint: run it again later.`,
        );
      }
    }
    if (Date.now() >= deadline) {
      throw new LockError(describeBusyState(options.reader, writer, options.timeoutMs), writer);
    }
    if (!waited) options.onWait?.(writer);
    waited = true;
    await sleep(100);
  }
}

interface WriterSnapshot {
  /** The live holder of the writer lock (a stale one does not count). */
  writer: LockHolder | null;
  generation: number;
}

/** One statement, so holder and generation come from the same database snapshot. */
function writerSnapshot(store: StateStore, host: string): WriterSnapshot {
  const row = store.db.prepare(
    `SELECT (SELECT value FROM meta WHERE key = ?) AS generation,
            lock.holder, lock.pid, lock.start_time, lock.host, lock.acquired_at
     FROM (SELECT 1) LEFT JOIN lock ON lock.id = 1`,
  ).get(GENERATION_KEY) as { generation: string | null } & Partial<HolderRow>;
  const generation = Number(row.generation ?? 0);
  const holder = typeof row.holder === "string" ? toHolder(row as HolderRow) : null;
  return { writer: holder && !isStale(holder, host) ? holder : null, generation };
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

/** Why a reader cannot answer: a writer is changing state; who, since when, what to do. */
export function describeBusyState(reader: string, holder: LockHolder, waitedMs: number): string {
  const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)}s)` : "";
  return `\`${holder.holder}\` is in progress (pid ${holder.pid} on ${holder.host}, since ` +
    `${holder.acquiredAt})${waited}: ${reader} would see its changes half-applied, so it ` +
    `gives no answer.\n  hint: run ${reader} again when it has finished, pass --lock-timeout 10m ` +
    `to wait for it, or run \`deno task bottle force-unlock\` if that process is gone.`;
}

export function describeHolder(holder: LockHolder, waitedMs: number): string {
  const waited = waitedMs > 0 ? ` (waited ${Math.round(waitedMs / 1000)}s)` : "";
  return `state is locked by \`${holder.holder}\` (pid ${holder.pid} on ${holder.host}, since ` +
    `${holder.acquiredAt})${waited}.\n  hint: wait for it, pass --lock-timeout 60s to wait ` +
    `longer, or run \`deno task bottle force-unlock\` if that process is gone.`;
}
