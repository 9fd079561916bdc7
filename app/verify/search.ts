/**
 * Looking for strings (a secret, a canary's token) everywhere the agent can read, without
 * ever taking them into the bottle: the inside is dumped out to the host (processes'
 * environments and command lines, the private /tmp and /dev/shm, the home, the workspace),
 * read as the agent so that no link it planted can lead the search to a host file, and the
 * matching happens on the host.
 */
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
const FILE_LIMIT = 8 << 20;
const DUMP_LIMIT = 96 << 20;
/** Where the agent keeps files: every regular file below these is searched. */
export const SEARCHED_TREES = ["/tmp", "/dev/shm", "/home/agent", "/workspace"];

/**
 * Perl, run inside: prints every readable /proc/PID/environ and cmdline, and the regular
 * files under SEARCHED_TREES (symlinks not followed, FIFOs and devices never opened; 8 MiB
 * each, 96 MiB in all), each after a section line naming it.
 */
export const DUMP_SCRIPT = perlLine([
  "use strict; use File::Find; use Fcntl; binmode STDOUT;",
  `my $budget = ${DUMP_LIMIT};`,
  "sub emit { my ($p) = @_; return if $budget <= 0;",
  "  sysopen(my $f, $p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) or return; return unless -f $f;",
  `  binmode $f; local $/ = \\${FILE_LIMIT}; my $c = <$f> // ""; $budget -= length $c;`,
  '  print "\\n==BB-VERIFY-SECTION $p\\n", $c }',
  'for my $d (glob "/proc/[0-9]*") { emit("$d/environ"); emit("$d/cmdline") }',
  `for my $top (${SEARCHED_TREES.map((tree) => `"${tree}"`).join(", ")}) { next unless -d $top;`,
  "  find({ no_chdir => 1, wanted => sub { lstat($_); emit($_) if -f _ } }, $top) }",
  // The frame's END line must start a line of its own.
  'print "\\n";',
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

export interface BottleSearch {
  hits: Hit[];
  /** What was searched, in words: `the environment of 5 processes, /tmp (2 files), …`. */
  searched: string;
}

/** The hits in an inside dump, and what was searched in words (pure). */
export function combineSearch(
  dump: { where: string; text: string }[],
  needles: readonly Needle[],
): BottleSearch {
  const hits = dump.flatMap((section) => findNeedles(section.text, needles, section.where));
  const environs = dump.filter((section) => section.where.endsWith("/environ")).length;
  const files = dump.filter((section) => !section.where.startsWith("/proc/")).length;
  const parts = [
    `the environment and command line of ${environs} process(es)`,
    `${files} file(s) under ${SEARCHED_TREES.join(", ")}`,
  ];
  return { hits, searched: parts.join(", ") };
}
