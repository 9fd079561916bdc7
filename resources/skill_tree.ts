import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";

/**
 * A digest of a directory tree: every entry's relative path, kind, exec bit and content (a
 * symlink's target, never what it points at). Equal digests mean equal trees.
 */
export function treeDigest(root: string): string {
  const hash = createHash("sha256");
  for (const entry of walk(root)) {
    const path = join(root, entry);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) hash.update(`L ${entry}\0${readlinkSync(path)}\0`);
    else if (stat.isDirectory()) hash.update(`D ${entry}\0`);
    else if (stat.isFile()) {
      hash.update(`F ${entry} ${(stat.mode & 0o111) !== 0 ? "x" : "-"}\0`);
      hash.update(readFileSync(path));
      hash.update("\0");
    }
  }
  return hash.digest("hex");
}

/**
 * Copies a tree: files (keeping the exec bit, mode otherwise 0644/0755), directories and
 * symlinks as symlinks (never followed, so a link cannot pull in a file from elsewhere on
 * the operator's machine). Other kinds (sockets, fifos) are skipped.
 */
export function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of walk(from)) {
    const source = join(from, entry);
    const target = join(to, entry);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory()) mkdirSync(target, { mode: 0o755 });
    else if (stat.isFile()) {
      copyFileSync(source, target);
      chmodSync(target, (stat.mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
  }
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
