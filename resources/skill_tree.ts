import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { TreeEntry, WriteEntry } from "./confined_wire.ts";

/**
 * A digest of a directory tree: every entry's relative path, kind, exec bit and content (a
 * symlink's target, never what it points at). Equal digests mean equal trees. Other kinds
 * (FIFOs, sockets) are left out, as copies leave them out; null when a file was too large to
 * be read.
 */
export function digestTree(entries: readonly TreeEntry[]): string | null {
  const hash = createHash("sha256");
  for (const entry of [...entries].sort(byPath)) {
    if (entry.kind === "symlink") hash.update(`L ${entry.path}\0${entry.target}\0`);
    else if (entry.kind === "directory") hash.update(`D ${entry.path}\0`);
    else if (entry.kind === "file") {
      if (entry.bytes === null) return null;
      hash.update(`F ${entry.path} ${(entry.mode & 0o111) !== 0 ? "x" : "-"}\0`);
      hash.update(entry.bytes);
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

/** The digest of a tree of the operator's (read on the host: it is not the agent's). */
export function treeDigest(root: string): string {
  const digest = digestTree(hostTree(root));
  if (digest === null) throw new Error(`cannot digest ${root}`);
  return digest;
}

/**
 * The entries of a tree of the operator's, parents first: files with their content,
 * directories, symlinks as symlinks (never followed), other kinds as `other`.
 */
export function hostTree(root: string): TreeEntry[] {
  return walk(root).map((path): TreeEntry => {
    const full = join(root, path);
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) return { path, kind: "symlink", target: readlinkSync(full) };
    if (stat.isDirectory()) return { path, kind: "directory", mode: stat.mode & 0o7777 };
    if (stat.isFile()) {
      return { path, kind: "file", mode: stat.mode & 0o7777, bytes: readFileSync(full) };
    }
    return { path, kind: "other", what: "not a regular file" };
  });
}

/**
 * What a copy of the tree is made of: files (keeping the exec bit, mode otherwise 0644/0755),
 * directories (0755) and symlinks as symlinks (so a link cannot pull in a file from elsewhere
 * on the operator's machine). Other kinds (sockets, FIFOs) are left out.
 */
export function copyEntries(entries: readonly TreeEntry[], under = ""): WriteEntry[] {
  const prefix = under === "" ? "" : `${under}/`;
  return entries.flatMap((entry): WriteEntry[] => {
    const path = `${prefix}${entry.path}`;
    switch (entry.kind) {
      case "directory":
        return [{ path, kind: "directory", mode: 0o755 }];
      case "symlink":
        return [{ path, kind: "symlink", target: entry.target }];
      case "file":
        if (entry.bytes === null) throw new Error(`${entry.path} was not read`);
        return [{
          path,
          kind: "file",
          mode: (entry.mode & 0o111) !== 0 ? 0o755 : 0o644,
          bytes: entry.bytes,
        }];
      default:
        return [];
    }
  });
}

/** Pre-order with siblings by name: a parent before its children, `a/x` before `a-b`. */
export function byPath(a: { path: string }, b: { path: string }): number {
  const left = a.path.split("/");
  const right = b.path.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1;
  }
  return left.length - right.length;
}

/** Relative paths under `root`, parents before children, in a stable order. */
function walk(root: string, prefix = ""): string[] {
  const entries: string[] = [];
  const names = readdirSync(join(root, prefix)).sort();
  for (const name of names) {
    const relative = prefix ? `${prefix}/${name}` : name;
    entries.push(relative);
    if (lstatSync(join(root, relative)).isDirectory()) entries.push(...walk(root, relative));
  }
  return entries;
}
