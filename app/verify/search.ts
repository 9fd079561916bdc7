/**
 * Looking for strings (a secret, a canary's token) everywhere the agent can read, without
 * ever taking them into the bottle: what only the inside can see (processes' environments
 * and command lines, the private /tmp) is dumped out to the host, and the home and the
 * workspace are read on the host; the matching happens on the host.
 */
import { Buffer } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { perlLine } from "./syscalls.ts";

/** A string to look for; `label` names it in evidence (the value is never printed). */
export interface Needle {
  label: string;
  value: string;
}

export interface Hit {
  label: string;
  /** Where: `/proc/7/environ`, `/tmp/x`, `home: .bashrc`. */
  where: string;
}

const SECTION = "\n==BB-VERIFY-SECTION ";
const FILE_LIMIT = 1 << 20;
const DUMP_LIMIT = 16 << 20;

/**
 * Perl, run inside: prints every readable /proc/PID/environ and cmdline, and the regular
 * files under /tmp and /dev/shm (symlinks not followed; 1 MiB each, 16 MiB in all), each
 * after a section line naming it.
 */
export const DUMP_SCRIPT = perlLine([
  "use strict; use File::Find; binmode STDOUT;",
  `my $budget = ${DUMP_LIMIT};`,
  'sub emit { my ($p) = @_; return if $budget <= 0; open(my $f, "<", $p) or return;',
  `  binmode $f; local $/ = \\${FILE_LIMIT}; my $c = <$f> // ""; $budget -= length $c;`,
  '  print "\\n==BB-VERIFY-SECTION $p\\n", $c }',
  'for my $d (glob "/proc/[0-9]*") { emit("$d/environ"); emit("$d/cmdline") }',
  'for my $top ("/tmp", "/dev/shm") { next unless -d $top;',
  "  find({ no_chdir => 1, wanted => sub { lstat($_); emit($_) if -f _ } }, $top) }",
].join("\n"));

/** The sections of a dump: where each came from and its text. */
export function splitDump(stdout: string): { where: string; text: string }[] {
  return stdout.split(SECTION).slice(1).map((part) => {
    const end = part.indexOf("\n");
    return end < 0
      ? { where: part, text: "" }
      : { where: part.slice(0, end), text: part.slice(end + 1) };
  });
}

/** Which needles occur in `text` (pure). */
export function findNeedles(text: string, needles: readonly Needle[], where: string): Hit[] {
  return needles
    .filter((needle) => needle.value.length > 0 && text.includes(needle.value))
    .map((needle) => ({ label: needle.label, where }));
}

export interface TreeScan {
  files: number;
  hits: Hit[];
  /** Files only partly read (over the size limits). */
  truncated: number;
}

/**
 * Reads every regular file under `root` on the host, never following a symlink (the tree is
 * the agent's: it may hold links to host files), never opening a FIFO or a device.
 */
export function scanTree(
  root: string,
  needles: readonly Needle[],
  label: string,
  limits: { file: number; total: number } = { file: 8 << 20, total: 256 << 20 },
): TreeScan {
  const scan: TreeScan = { files: 0, hits: [], truncated: 0 };
  const patterns = needles.filter((n) => n.value).map((n) => ({
    ...n,
    bytes: Buffer.from(n.value),
  }));
  let budget = limits.total;
  const walk = (dir: string, relative: string): void => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory && !entry.isSymlink) walk(path, rel);
      else if (entry.isFile && budget > 0) {
        const bytes = readRegular(path, Math.min(limits.file, budget));
        if (!bytes) continue;
        scan.files++;
        budget -= bytes.data.length;
        if (bytes.truncated) scan.truncated++;
        for (const pattern of patterns) {
          if (bytes.data.indexOf(pattern.bytes) >= 0) {
            scan.hits.push({ label: pattern.label, where: `${label}: ${rel}` });
          }
        }
      }
    }
  };
  walk(root, "");
  return scan;
}

function readRegular(path: string, limit: number): { data: Buffer; truncated: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return null;
    const data = Buffer.alloc(Math.min(info.size, limit));
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, null);
      if (n <= 0) break;
      read += n;
    }
    return { data: data.subarray(0, read), truncated: info.size > limit };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

export interface BottleSearch {
  hits: Hit[];
  /** What was searched, in words: `the environment of 5 processes, /tmp (2 files), …`. */
  searched: string;
}

/** Combines the inside dump and the host scans into hits and a description (pure). */
export function combineSearch(
  dump: { where: string; text: string }[],
  scans: { name: string; scan: TreeScan }[],
  needles: readonly Needle[],
): BottleSearch {
  const hits = dump.flatMap((section) => findNeedles(section.text, needles, section.where));
  for (const { scan } of scans) hits.push(...scan.hits);
  const environs = dump.filter((section) => section.where.endsWith("/environ")).length;
  const files = dump.filter((section) => !section.where.startsWith("/proc/")).length;
  const parts = [
    `the environment and command line of ${environs} process(es)`,
    `/tmp and /dev/shm (${files} file(s))`,
    ...scans.map(({ name, scan }) =>
      `${name} (${scan.files} file(s)${scan.truncated ? `, ${scan.truncated} only in part` : ""})`
    ),
  ];
  return { hits, searched: parts.join(", ") };
}
