/**
 * The wire between the engine and the confined file program (confined_program.ts), and what
 * its answers mean. Pure: no I/O here.
 *
 * Both directions are a sequence of records of four fields — kind, path, mode, data — each
 * field a netstring (`LENGTH:BYTES,`), so any byte passes as it is: a newline or a colon in a
 * name the agent chose, binary content. The mode is octal digits, or empty.
 */
import { concat } from "../lib/bytes.ts";

export interface WireRecord {
  kind: string;
  path: string;
  /** Permission bits (`0o7777` at most), or null when the record has none. */
  mode: number | null;
  data: Uint8Array;
}

/** One file as read: its content, nothing there, a directory, or anything else (never opened). */
export type FileRead =
  | { kind: "file"; bytes: Uint8Array; mode: number }
  | { kind: "missing" }
  | { kind: "directory" }
  | {
    kind: "not-regular";
    /** What is there instead, in words: `a symlink`, `a FIFO`, `too large (20000000 bytes)`. */
    what: string;
  };

export interface DirectoryEntry {
  path: string;
  kind: "directory";
  mode: number;
}

export interface FileEntry {
  path: string;
  kind: "file";
  mode: number;
  bytes: Uint8Array;
}

export interface SymlinkEntry {
  path: string;
  kind: "symlink";
  target: string;
}

/** What the engine writes: a tree is written parents first. */
export type WriteEntry = DirectoryEntry | FileEntry | SymlinkEntry;

/** An entry of a tree as read; a file over the size bound has `bytes: null` (not read). */
export type TreeEntry =
  | DirectoryEntry
  | (Omit<FileEntry, "bytes"> & { bytes: Uint8Array | null })
  | SymlinkEntry
  | { path: string; kind: "other"; what: string };

/** A tree as read: its entries (paths relative to its root), or why there is none. */
export type TreeRead =
  | {
    kind: "tree";
    entries: TreeEntry[];
    /** What could not be read: an unreadable entry, a bound reached (the entries are partial). */
    problems: string[];
  }
  | { kind: "missing" }
  | { kind: "not-regular"; what: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const COMMA = 0x2c;
const COLON = 0x3a;

export function encodeRecords(records: readonly WireRecord[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const field = (bytes: Uint8Array): void => {
    parts.push(encoder.encode(`${bytes.length}:`), bytes, Uint8Array.of(COMMA));
  };
  for (const record of records) {
    field(encoder.encode(record.kind));
    field(encoder.encode(record.path));
    field(encoder.encode(record.mode === null ? "" : record.mode.toString(8)));
    field(record.data);
  }
  return concat(parts);
}

/** Parses records; throws on anything malformed (a truncated or corrupted answer). */
export function decodeRecords(bytes: Uint8Array): WireRecord[] {
  const fields: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const colon = bytes.indexOf(COLON, at);
    const digits = colon < 0 ? "" : decoder.decode(bytes.subarray(at, colon));
    if (!/^[0-9]{1,12}$/.test(digits)) throw new Error(`malformed record at byte ${at}`);
    const end = colon + 1 + Number(digits);
    if (end >= bytes.length || bytes[end] !== COMMA) {
      throw new Error(`truncated record at byte ${at}`);
    }
    fields.push(bytes.subarray(colon + 1, end));
    at = end + 1;
  }
  if (fields.length % 4 !== 0) throw new Error(`a record has ${fields.length % 4} fields, not 4`);
  const records: WireRecord[] = [];
  for (let i = 0; i < fields.length; i += 4) {
    const mode = decoder.decode(fields[i + 2]);
    if (!/^[0-7]{0,6}$/.test(mode)) throw new Error(`malformed mode ${JSON.stringify(mode)}`);
    records.push({
      kind: decoder.decode(fields[i]),
      path: decoder.decode(fields[i + 1]),
      mode: mode === "" ? null : parseInt(mode, 8),
      data: fields[i + 3],
    });
  }
  return records;
}

/** Records to write `entries` (see the `write` and `replace` operations). */
export function writeRecords(entries: readonly WriteEntry[]): Uint8Array {
  return encodeRecords(entries.map((entry): WireRecord => {
    checkRelative(entry.path);
    switch (entry.kind) {
      case "directory":
        return { kind: "directory", path: entry.path, mode: entry.mode, data: new Uint8Array() };
      case "file":
        return { kind: "file", path: entry.path, mode: entry.mode, data: entry.bytes };
      case "symlink":
        return {
          kind: "symlink",
          path: entry.path,
          mode: null,
          data: encoder.encode(entry.target),
        };
    }
  }));
}

/** The answer of `read`: one record per requested path, in order. */
export function fileReads(
  requested: readonly string[],
  records: readonly WireRecord[],
): Map<string, FileRead> {
  if (records.length !== requested.length) {
    throw new Error(`asked for ${requested.length} files, got ${records.length} answers`);
  }
  return new Map(requested.map((path, i) => [path, fileRead(path, records[i])]));
}

function fileRead(path: string, record: WireRecord): FileRead {
  if (record.path !== path) {
    // A component above the file is not a directory: the file is not there as we put it.
    if (record.kind === "missing") return { kind: "missing" };
    return { kind: "not-regular", what: `behind ${record.path}, which is ${describe(record)}` };
  }
  switch (record.kind) {
    case "file":
      return { kind: "file", bytes: record.data, mode: record.mode ?? 0 };
    case "missing":
      return { kind: "missing" };
    case "directory":
      return { kind: "directory" };
    default:
      return { kind: "not-regular", what: describe(record) };
  }
}

/** The answer of `tree`: the root's record, then one per entry below it (relative paths). */
export function treeRead(root: string, records: readonly WireRecord[]): TreeRead {
  const [top, ...rest] = records;
  if (!top) throw new Error(`no answer for ${root}`);
  const read = fileRead(root, top);
  if (read.kind === "missing") return { kind: "missing" };
  if (read.kind !== "directory") {
    return { kind: "not-regular", what: read.kind === "file" ? "a file" : read.what };
  }
  const entries: TreeEntry[] = [];
  const problems: string[] = [];
  for (const record of rest) {
    const { path } = record;
    switch (record.kind) {
      case "directory":
        entries.push({ path, kind: "directory", mode: record.mode ?? 0 });
        break;
      case "file":
        entries.push({ path, kind: "file", mode: record.mode ?? 0, bytes: record.data });
        break;
      case "large":
        entries.push({ path, kind: "file", mode: record.mode ?? 0, bytes: null });
        break;
      case "symlink":
        entries.push({ path, kind: "symlink", target: decoder.decode(record.data) });
        break;
      case "error":
      case "missing":
        problems.push(`${JSON.stringify(path || ".")} is ${describe(record)}`);
        break;
      default:
        entries.push({ path, kind: "other", what: describe(record) });
    }
  }
  return { kind: "tree", entries, problems };
}

const KINDS: Record<string, string> = {
  file: "a file",
  directory: "a directory",
  symlink: "a symlink",
  fifo: "a FIFO",
  socket: "a socket",
  device: "a device",
  missing: "gone",
};

function describe(record: WireRecord): string {
  if (record.kind === "large") return `too large (${decoder.decode(record.data)} bytes)`;
  if (record.kind === "error") return `unreadable (${decoder.decode(record.data)})`;
  return KINDS[record.kind] ?? "not a regular file";
}

/** A path relative to the confined directory that names something below it, plainly. */
export function checkRelative(path: string): void {
  const parts = path.split("/");
  if (
    path.includes("\0") ||
    parts.some((part) => part === "" || part === "." || part === "..")
  ) {
    throw new Error(`${JSON.stringify(path)} is not a plain relative path`);
  }
}
