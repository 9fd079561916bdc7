import { SqlRowError } from "../lib/sql_row.ts";
export type StateProblem = "corrupt" | "full" | "readonly" | "unopenable" | "io";

/**
 * A state database that cannot be used, named with its path and what to do. It carries a
 * `hint`, so the CLI prints it as an operator error, never as an internal one.
 */
export class StateError extends Error {
  override name = "StateError";
  constructor(
    message: string,
    readonly hint: string,
    readonly problem: StateProblem | "unrecorded",
    readonly path: string,
  ) {
    super(message);
  }
}

interface SqliteLikeError {
  message?: unknown;
  errcode?: unknown;
  code?: unknown;
}

/** SQLite primary result codes (extended codes keep them in the low byte). */
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** What went wrong, from the error alone (pure). Null: not a state-file problem. */
export function classifyStateError(error: unknown): StateProblem | null {
  if (error instanceof SqlRowError) return "corrupt";
  const fields = (typeof error === "object" && error !== null ? error : {}) as SqliteLikeError;
  const message = typeof fields.message === "string" ? fields.message : String(error);
  const primary = typeof fields.errcode === "number" ? fields.errcode & 0xff : null;
  const code = typeof fields.code === "string" ? fields.code : "";
  if (
    primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB ||
    /file is not a database|database disk image is malformed|malformed database schema/i
      .test(message)
  ) return "corrupt";
  if (
    primary === SQLITE_FULL || code === "ENOSPC" ||
    /database or disk is full|no space left on device/i.test(message)
  ) return "full";
  if (
    primary === SQLITE_READONLY || code === "EROFS" || code === "EACCES" || code === "EPERM" ||
    /readonly database|read-only file system|permission denied/i.test(message)
  ) return "readonly";
  if (primary === SQLITE_CANTOPEN || /unable to open database file/i.test(message)) {
    return "unopenable";
  }
  if (primary === SQLITE_IOERR || /disk I\/O error/i.test(message)) return "io";
  return null;
}

/**
 * Turns an error raised while using the state database at `dbPath` into a StateError that
 * names the file and what to do; any other error is returned as it is.
 */
export function mapStateError(error: unknown, dbPath: string): unknown {
  if (error instanceof StateError) return error;
  let problem = classifyStateError(error);
  if (problem === null) return error;
  const dir = dirname(dbPath);
  // SQLite reports a full disk while writing the WAL or its index as an I/O error or as
  // "unable to open"; an unwritable directory also shows as "unable to open".
  if ((problem === "io" || problem === "unopenable") && isFull(dir)) problem = "full";
  if (problem === "unopenable" && !isWritable(dir)) problem = "readonly";
  const detail = error instanceof Error ? error.message : String(error);
  return describeProblem(problem, dbPath, detail);
}

export function describeProblem(problem: StateProblem, dbPath: string, detail: string): StateError {
  const dir = dirname(dbPath);
  switch (problem) {
    case "corrupt":
      return new StateError(
        `the state database ${dbPath} is corrupt (${detail})`,
        corruptHint(dbPath),
        problem,
        dbPath,
      );
    case "full":
      return new StateError(
        `the disk holding the state database ${dbPath} is full (${detail})`,
        `free space on the filesystem of ${dir}, then run the command again ` +
          "(a write that failed was rolled back; apply again to finish an interrupted apply)",
        problem,
        dbPath,
      );
    case "readonly":
      return new StateError(
        `the state database ${dbPath} is read-only: cannot write it (${detail})`,
        `make ${dir} and the files in it writable by you (or mount it read-write), or point ` +
          "BOT_BOTTLE_STATE_DIR at a writable directory",
        problem,
        dbPath,
      );
    case "unopenable":
      return new StateError(
        `cannot open the state database ${dbPath} (${detail})`,
        `check that ${dir} exists and is a directory you can read and write`,
        problem,
        dbPath,
      );
    case "io":
      return new StateError(
        `an I/O error on the state database ${dbPath} (${detail})`,
        `check the filesystem of ${dir} (dmesg), then run \`deno task bottle state check\``,
        problem,
        dbPath,
      );
  }
}

export function corruptHint(dbPath: string): string {
  const backups = [`${dbPath}.bak`, `${dbPath}.bak.1`].filter((path) => existsSync(path));
  const restore = backups.length > 0
    ? `restore the last good copy with \`deno task bottle state restore\` (from ${backups[0]}), or `
    : "";
  return `${restore}move it aside (mv ${dbPath} ${dbPath}.corrupt) and take over the running ` +
    "bottles with `deno task bottle state adopt --dir DIR`; " +
    "`deno task bottle state check` tells more";
}

function isFull(dir: string): boolean {
  try {
    const stats = statfs(dir);
    return stats.bavail === 0 || stats.bfree === 0;
  } catch {
    return false;
  }
}

function isWritable(dir: string): boolean {
  const probe = `${dir}/.bot-bottle-write-probe-${Deno.pid}`;
  try {
    Deno.writeFileSync(probe, new Uint8Array());
    Deno.removeSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** The directory part of a path (what node:path's dirname gives for the paths used here). */
function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const at = trimmed.lastIndexOf("/");
  if (at < 0) return ".";
  return at === 0 ? "/" : trimmed.slice(0, at);
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

interface FreeBlocks {
  bavail: number;
  bfree: number;
}

/**
 * node:fs's statfsSync (Deno has no statfs of its own), loaded only on this error path:
 * importing node:fs costs ~30 ms of start-up, and `bottle exec` reads the state database.
 */
function statfs(dir: string): FreeBlocks {
  return process.getBuiltinModule("node:fs").statfsSync(dir);
}
