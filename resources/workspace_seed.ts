/**
 * Seeds a bottle's workspace with a copy of the operator's git repository: the files git
 * knows about in the work tree as they are now (ignored files stay behind: that is where
 * `.env`, keys and `node_modules` live) and the `.git` directory with its config rewritten
 * from an allowlist. The copy is built beside the target and renamed into place, so an
 * interrupted seed never leaves a half copy where the workspace belongs.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { git } from "../lib/git.ts";
import { allowedEntries, parseConfigList, renderConfig } from "./git_config_filter.ts";

/** Where a seed is assembled before it is renamed to `target`. */
export function scratchOf(target: string): string {
  return `${target}.seeding`;
}

/**
 * Copies the repository at `source` (a main checkout) to `target`, which must not exist;
 * `handOver` gives the finished copy to the agent before it is renamed into place.
 */
export async function seedWorkspace(
  source: string,
  target: string,
  handOver: (path: string) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const scratch = scratchOf(target);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  chmodSync(scratch, 0o700);
  copyWorkTree(source, scratch, await workTreeFiles(source));
  await copyGitDir(join(source, ".git"), join(scratch, ".git"));
  await makeSelfContained(join(source, ".git"), scratch);
  await handOver(scratch);
  renameSync(scratch, target);
}

/** Tracked (as they are now) and untracked-but-not-ignored paths, relative to the top. */
export async function workTreeFiles(source: string): Promise<string[]> {
  const output = await git([
    "-C",
    source,
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
  ]);
  return [...new Set(output.split("\0").filter((path) => path !== ""))];
}

/**
 * Copies `paths` from `source` to `target`: files with their permission bits (so the exec
 * bit survives), symlinks as symlinks, directories (a submodule or nested repository) as
 * empty directories. A path that no longer exists, or lies beyond a symlink, is skipped.
 */
export function copyWorkTree(source: string, target: string, paths: readonly string[]): void {
  const linkedDirs = new Map<string, boolean>();
  for (const path of paths) {
    if (!isPlainRelative(path) || path === ".git" || path.startsWith(".git/")) continue;
    if (beyondSymlink(source, path, linkedDirs)) continue;
    const from = join(source, path);
    let stat: Stats;
    try {
      stat = lstatSync(from);
    } catch {
      continue;
    }
    const to = join(target, path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    if (stat.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else if (stat.isFile()) {
      copyFileSync(from, to);
      chmodSync(to, stat.mode & 0o777);
    } else if (stat.isDirectory()) {
      mkdirSync(to, { recursive: true, mode: 0o755 });
    }
  }
}

/** No absolute path, no `.`/`..` segment, no empty segment (git never lists those). */
function isPlainRelative(path: string): boolean {
  const segments = path.replace(/\/$/, "").split("/");
  return !isAbsolute(path) && segments.every((s) => s !== "" && s !== "." && s !== "..");
}

/** Whether a parent directory of `path` in `root` is (now) a symlink; results are cached. */
function beyondSymlink(root: string, path: string, cache: Map<string, boolean>): boolean {
  const segments = path.replace(/\/$/, "").split("/").slice(0, -1);
  let prefix = "";
  for (const segment of segments) {
    prefix = prefix === "" ? segment : `${prefix}/${segment}`;
    let linked = cache.get(prefix);
    if (linked === undefined) {
      try {
        linked = lstatSync(join(root, prefix)).isSymbolicLink();
      } catch {
        linked = false;
      }
      cache.set(prefix, linked);
    }
    if (linked) return true;
  }
  return false;
}

/**
 * What of `.git` is not copied verbatim: `config` and `config.worktree` are rewritten from
 * the allowlist; `worktrees/` and `modules/` belong to checkouts that are not in the copy
 * (and carry configs of their own); `objects/info/alternates` is resolved below.
 */
const REWRITTEN = new Set(["config", "config.worktree"]);
const LEFT_OUT = new Set(["worktrees", "modules", "objects/info/alternates"]);

async function copyGitDir(source: string, target: string): Promise<void> {
  copyTree(source, target, "");
  for (const name of REWRITTEN) {
    const file = join(source, name);
    if (!existsSync(file)) continue;
    const listed = await git(["config", "--file", file, "--no-includes", "--list", "-z"]);
    const text = renderConfig(allowedEntries(parseConfigList(listed)));
    writeFileSync(join(target, name), text, { mode: 0o644 });
  }
}

/**
 * Directories, regular files and symlinks; sockets and FIFOs (fsmonitor's) are skipped. A
 * directory gets its mode once its content is in (git makes some read-only).
 */
function copyTree(source: string, target: string, rel: string): void {
  mkdirSync(target, { mode: 0o700 });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (LEFT_OUT.has(path) || (rel === "" && REWRITTEN.has(entry.name))) continue;
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (entry.isDirectory()) copyTree(from, to, path);
    else if (entry.isFile()) {
      copyFileSync(from, to);
      chmodSync(to, lstatSync(from).mode & 0o777);
    }
  }
  chmodSync(target, lstatSync(source).mode & 0o777);
}

/**
 * A repository that borrows objects through `objects/info/alternates` would lose them in
 * the bottle: repack everything it uses into the copy, then drop the alternates. The copy's
 * config is already the rewritten one, and repack runs with nothing it could execute.
 */
async function makeSelfContained(sourceGitDir: string, copy: string): Promise<void> {
  const objects = join(sourceGitDir, "objects");
  const alternates = join(objects, "info", "alternates");
  if (!existsSync(alternates)) return;
  const absolute = readFileSync(alternates, "utf8").split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => resolve(objects, line));
  const copied = join(copy, ".git", "objects", "info", "alternates");
  mkdirSync(dirname(copied), { recursive: true });
  writeFileSync(copied, `${absolute.join("\n")}\n`);
  await git([
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-C",
    copy,
    "repack",
    "-a",
    "-d",
    "-q",
  ]);
  rmSync(copied);
}
