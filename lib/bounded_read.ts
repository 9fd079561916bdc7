/**
 * Reading a file someone else named (a manifest, a secret file, a CA bundle) without trusting
 * what it is: opened non-blocking (a FIFO cannot block the open, a pseudo-file cannot block a
 * read), checked to be a regular file on the open descriptor (no race between check and read),
 * and read up to a size limit only (`/dev/zero` or a growing file cannot exhaust memory).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { concat } from "./bytes.ts";

export class BoundedReadError extends Error {
  override name = "BoundedReadError";
  /** The message, without the path (for callers that name the file themselves). */
  readonly detail: string;
  constructor(
    readonly path: string,
    detail: string,
    /** What went wrong, for callers that word their own message. */
    readonly reason: "unreadable" | "not-regular" | "too-large" | "would-block" | "not-utf8",
  ) {
    super(`${path}: ${detail}`);
    this.detail = detail;
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK = 64 * 1024;

/** The bytes of the regular file at `path`, at most `limit` of them, else a BoundedReadError. */
export function readBounded(path: string, limit: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw new BoundedReadError(path, `cannot open: ${reasonOf(error)}`, "unreadable");
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new BoundedReadError(path, `${kindOf(stat)}, not a regular file`, "not-regular");
    }
    if (stat.size > limit) {
      throw new BoundedReadError(
        path,
        `${stat.size} bytes, more than the limit of ${limit}`,
        "too-large",
      );
    }
    // A pseudo-file (/proc/kmsg) reports size 0 and may block or be consumed by a read.
    if (stat.size === 0) return new Uint8Array(0);
    return readUpTo(fd, path, limit);
  } finally {
    closeSync(fd);
  }
}

/** `readBounded`, decoded as strict UTF-8 (an invalid byte is an error, not a U+FFFD). */
export function readBoundedText(path: string, limit: number): string {
  const bytes = readBounded(path, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BoundedReadError(path, "not valid UTF-8 text", "not-utf8");
  }
}

/** Reads until end of file; more than `limit` bytes (a pseudo-file, a growing file) fails. */
function readUpTo(fd: number, path: string, limit: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.min(CHUNK, limit + 1 - total));
    let count: number;
    try {
      count = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") {
        throw new BoundedReadError(
          path,
          "no data to read now (a device or pseudo-file?)",
          "would-block",
        );
      }
      throw new BoundedReadError(path, `cannot read: ${reasonOf(error)}`, "unreadable");
    }
    if (count === 0) break;
    chunks.push(chunk.subarray(0, count));
    total += count;
    if (total > limit) {
      throw new BoundedReadError(
        path,
        `more than the limit of ${limit} bytes`,
        "too-large",
      );
    }
  }
  return concat(chunks);
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "an unknown kind of file";
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ELOOP") return "too many levels of symbolic links (a symlink loop?)";
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
