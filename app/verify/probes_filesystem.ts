/**
 * filesystem: nothing of the host's secrets, homes or bot-bottle's own state is in the
 * bottle; the system is read-only; the kernel's global knobs are out of reach. Writes are
 * harmless even where they succeed: a file that is removed again, the current value of
 * core_pattern written back, and /proc/sysrq-trigger only opened, never written.
 */
import { type OutputSpec, readOutput } from "./output.ts";
import { PROC_SYS_PROBE } from "./probes_proc_sys.ts";
import { allOf, fail, noOutput, pass, perlQuote, scripted, shQuote } from "./verdict.ts";
import type { Facts, Judgement, Probe, ScriptResult } from "./types.ts";

export const SYSTEM_DIRS = ["/", "/usr", "/etc"] as const;

/** sh: for each path prints `absent=P`, `visible=P` or `hidden=P: error` (exists, unreadable). */
export function absentPathsScript(paths: readonly string[]): string {
  return [
    "for p in " + paths.map(shQuote).join(" ") + "; do",
    '  if err=$(ls -d -- "$p" 2>&1 >/dev/null); then echo "visible=$p"',
    '  elif printf %s "$err" | grep -q "No such file"; then echo "absent=$p"',
    `  else echo "hidden=$p: $(printf %s "$err" | sed 's/.*: //')"; fi`,
    "done",
  ].join("\n");
}

export const ABSENT_OUTPUT: OutputSpec = { lists: ["absent", "visible", "hidden"] };

export function judgeAbsentPaths(result: ScriptResult, facts: Facts): Judgement {
  const read = readOutput(result, ABSENT_OUTPUT);
  if (!read.ok) return read.judgement;
  const absent = read.value.list("absent");
  const visible = read.value.list("visible");
  const hidden = read.value.list("hidden");
  if (absent.length + visible.length + hidden.length === 0) return fail(noOutput(result));
  const unchecked = facts.forbiddenPaths.filter((path) =>
    ![...absent, ...visible].includes(path) && !hidden.some((line) => line.startsWith(`${path}:`))
  );
  const checks = [
    { ok: visible.length === 0, evidence: `visible inside: ${visible.join(", ")}` },
    { ok: hidden.length === 0, evidence: `present but unreadable: ${hidden.join(", ")}` },
    { ok: unchecked.length === 0, evidence: `not checked: ${unchecked.join(", ")}` },
  ].filter((check) => !check.ok);
  return allOf([...checks, { ok: true, evidence: `absent: ${absent.join(", ")}` }]);
}

/** sh: tries to create a file in each directory; prints `wrote=DIR` or `refused=DIR: error`. */
export const SYSTEM_WRITE_SCRIPT = [
  "for d in " + SYSTEM_DIRS.join(" ") + "; do",
  '  f="${d%/}/.bb-verify-$$"',
  '  if err=$( { : > "$f"; } 2>&1 ); then echo "wrote=$f"; rm -f -- "$f"',
  `  else echo "refused=$f: $(printf %s "$err" | sed 's/.*: //')"; fi`,
  "done",
].join("\n");

export const SYSTEM_WRITE_OUTPUT: OutputSpec = { lists: ["wrote", "refused"] };

export function judgeSystemReadOnly(result: ScriptResult): Judgement {
  const read = readOutput(result, SYSTEM_WRITE_OUTPUT);
  if (!read.ok) return read.judgement;
  const refused = read.value.list("refused");
  const wrote = read.value.list("wrote");
  if (refused.length + wrote.length === 0) return fail(noOutput(result));
  return allOf([
    ...wrote.map((file) => ({ ok: false, evidence: `created ${file}` })),
    // A refusal names its error; none means the attempt died before it was made.
    ...refused.map((line) => ({
      ok: !/: $/.test(line),
      evidence: /: $/.test(line) ? `write ${line}(no error: not tried)` : `write ${line}`,
    })),
  ]);
}

/**
 * Perl: opens `path` write-only (no truncation); with `writeBack`, writes the value just read
 * back to it (no change if it is accepted). Prints `open=ERROR`, `write=ERROR` or `wrote=ok`.
 */
export function writeAttemptScript(path: string, writeBack: boolean): string {
  const program = [
    "use strict; use Fcntl;",
    `my $p = ${perlQuote(path)}; my $v = "";`,
    'if (open(my $r, "<", $p)) { local $/; $v = <$r> // ""; close $r }',
    'sysopen(my $w, $p, O_WRONLY) or do { print "open=$!\\n"; exit 0 };',
    writeBack
      ? 'if (defined syswrite($w, $v)) { print "wrote=ok\\n" } else { print "write=$!\\n" }'
      : 'print "opened=ok\\n";',
    "close $w;",
  ].join("\n");
  return `/usr/bin/perl -e ${shQuote(program)}`;
}

export const WRITE_ATTEMPT_OUTPUT: OutputSpec = { once: ["open", "write", "wrote", "opened"] };

export function judgeNotWritable(path: string): (result: ScriptResult) => Judgement {
  return (result: ScriptResult): Judgement => {
    const read = readOutput(result, WRITE_ATTEMPT_OUTPUT);
    if (!read.ok) return read.judgement;
    const printed = read.value.keys();
    if (printed.length > 1) return fail(`contradictory results for ${path}: ${printed.join(", ")}`);
    const open = read.value.get("open");
    const write = read.value.get("write");
    if (open) return pass(`open ${path} for writing: ${open}`);
    if (write) return pass(`write ${path}: ${write}`);
    if (printed[0] === "wrote") return fail(`wrote ${path} (its own value, written back)`);
    if (printed[0] === "opened") return fail(`opened ${path} for writing (nothing written)`);
    return fail(noOutput(result));
  };
}

export const FILESYSTEM_PROBES: Probe[] = [
  scripted(
    {
      id: "filesystem.host-paths-absent",
      group: "filesystem",
      property: "host secrets, homes, bot-bottle's state and the bundle's files are absent",
    },
    (facts) => absentPathsScript(facts.forbiddenPaths),
    judgeAbsentPaths,
  ),
  scripted(
    {
      id: "filesystem.system-read-only",
      group: "filesystem",
      property: "/, /usr and /etc are read-only",
    },
    () => SYSTEM_WRITE_SCRIPT,
    judgeSystemReadOnly,
  ),
  scripted(
    {
      id: "filesystem.core-pattern",
      group: "filesystem",
      property: "/proc/sys/kernel/core_pattern is not writable",
    },
    () => writeAttemptScript("/proc/sys/kernel/core_pattern", true),
    judgeNotWritable("/proc/sys/kernel/core_pattern"),
  ),
  scripted(
    {
      id: "filesystem.sysrq-trigger",
      group: "filesystem",
      property: "/proc/sysrq-trigger is not writable",
    },
    () => writeAttemptScript("/proc/sysrq-trigger", false),
    judgeNotWritable("/proc/sysrq-trigger"),
  ),
  PROC_SYS_PROBE,
];
