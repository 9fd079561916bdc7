/**
 * Files in a directory the agent can write (its home), read and written the way the agent
 * itself could: in a confined sandbox that sees only that directory (runConfined), through
 * confined_program.ts. The engine thereby never follows a symlink the agent planted to a
 * host file, never blocks on a FIFO, and never reads more than a bound. One sandbox per call.
 *
 * `dir` must be a trusted path (the bottle's home, whose parent the agent cannot write);
 * every other path is relative to it, and plain (no `.`, `..` or empty component).
 */
import { runConfined } from "../backends/bwrap/confined.ts";
import { CONFINED_PROGRAM, CONFINED_SCRIPT } from "./confined_program.ts";
import {
  checkRelative,
  decodeRecords,
  type FileRead,
  fileReads,
  type TreeRead,
  treeRead,
  type WireRecord,
  type WriteEntry,
  writeRecords,
} from "./confined_wire.ts";

export interface ReadBounds {
  /** Bytes of one file beyond which it is not read (reported as too large). */
  file: number;
  /** Bytes of the whole answer beyond which nothing more is read. */
  total: number;
}

export const DEFAULT_BOUNDS: ReadBounds = { file: 16 << 20, total: 48 << 20 };

/** Reads `paths`: each one's content, or what is there instead (never followed, never opened). */
export async function readFiles(
  dir: string,
  paths: readonly string[],
  bounds: ReadBounds = DEFAULT_BOUNDS,
): Promise<Map<string, FileRead>> {
  if (paths.length === 0) return new Map();
  paths.forEach(checkRelative);
  const records = await run(dir, "read", paths, { bounds });
  return fileReads(paths, records);
}

/**
 * Reads the tree at `root`: every entry below it (symlinks as their targets, files up to the
 * bound, at most 100,000 entries and 64 levels).
 */
export async function readTree(
  dir: string,
  root: string,
  bounds: ReadBounds = DEFAULT_BOUNDS,
): Promise<TreeRead> {
  checkRelative(root);
  return treeRead(root, await run(dir, "tree", [root], { bounds }));
}

/** Writes each entry in place, atomically (a temp file renamed), making the directories above. */
export async function writeFiles(dir: string, entries: readonly WriteEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await run(dir, "write", [], { stdin: writeRecords(entries) });
}

/** Replaces the tree at `root` with `entries` (relative to it, parents first). */
export async function replaceTree(
  dir: string,
  root: string,
  entries: readonly WriteEntry[],
): Promise<void> {
  checkRelative(root);
  await run(dir, "replace", [root], { stdin: writeRecords(entries) });
}

/** Removes each path (a tree too); a path that is behind a symlink is not ours: left alone. */
export async function removePaths(dir: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  paths.forEach(checkRelative);
  await run(dir, "remove", paths, {});
}

/** Removes everything in `dir` (not `dir` itself), as the agent. */
export async function clearDirectory(dir: string): Promise<void> {
  await run(dir, "clear", [], {});
}

async function run(
  dir: string,
  op: string,
  paths: readonly string[],
  options: { bounds?: ReadBounds; stdin?: Uint8Array },
): Promise<WireRecord[]> {
  const bounds = options.bounds ?? { file: 0, total: 0 };
  const result = await runConfined({
    dir,
    script: CONFINED_SCRIPT,
    args: [CONFINED_PROGRAM, op, String(bounds.file), String(bounds.total), ...paths],
    ...(options.stdin ? { stdin: options.stdin } : {}),
    stdoutLimit: bounds.total + (1 << 20),
  });
  if (result.code !== 0) {
    throw new Error(
      `could not ${op} ${paths.join(", ") || "files"} in ${dir} as the agent: ` +
        (result.stderr || `exit ${result.code}`),
    );
  }
  try {
    return decodeRecords(result.stdout);
  } catch (error) {
    throw new Error(`the answer to ${op} in ${dir} is malformed: ${(error as Error).message}`);
  }
}
