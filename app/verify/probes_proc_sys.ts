/**
 * filesystem.proc-sys-read-only: /proc/sys is mounted read-only inside. A global sysctl
 * (core_pattern, panic) is refused with EACCES by its owner check before the mount's
 * read-only flag is looked at, so it proves nothing about the mount; the sysctls of the
 * sandbox's own ipc namespace (SysV IPC and POSIX message queue limits) belong to the
 * namespace's owner, who is the agent on the host, and only the read-only mount refuses them:
 * EROFS. Each is written back with the value just read (no change if it were accepted).
 *
 * A sandbox without a user namespace of its own (docker: the agent is an ordinary host uid,
 * its uid_map the identity) owns no sysctl: they are all root's, and the owner check refuses
 * them with EACCES before the mount is consulted. There EACCES is the expected refusal, and
 * the mount's `ro` flag in mountinfo is what shows the mount read-only.
 */
import { type OutputSpec, readOutput } from "./output.ts";
import { perlLine } from "./syscalls.ts";
import { allOf, fail, perlQuote, scripted } from "./verdict.ts";
import type { Judgement, Probe, ScriptResult } from "./types.ts";

/** Sysctls of the sandbox's own ipc namespace, writable by the agent but for the mount. */
export const OWN_SYSCTLS = [
  "/proc/sys/kernel/shmmax",
  "/proc/sys/kernel/msgmax",
  "/proc/sys/fs/mqueue/msg_max",
] as const;

export const PROC_SYS_OUTPUT: OutputSpec = { once: [...OWN_SYSCTLS, "mount", "userns"] };

/**
 * Perl: per sysctl `PATH=wrote`, `PATH=open ERRNO n message`, `PATH=write …` or
 * `PATH=read …`; then `mount=OPTIONS` of the last (topmost) mount on /proc/sys in
 * /proc/self/mountinfo, or `mount=none`.
 */
export const PROC_SYS_SCRIPT = perlLine([
  "use strict; use Fcntl; use Errno;",
  'sub err { my $e = $! + 0; my ($n) = grep { $!{$_} } keys %!; return ($n // "E$e") . " $e $!" }',
  `for my $p (${OWN_SYSCTLS.map(perlQuote).join(", ")}) {`,
  '  my $v; if (open(my $r, "<", $p)) { local $/; $v = <$r> // ""; close $r }',
  '  else { print "$p=read ", err(), "\\n"; next }',
  '  sysopen(my $w, $p, O_WRONLY) or do { print "$p=open ", err(), "\\n"; next };',
  '  if (defined syswrite($w, $v)) { print "$p=wrote\\n" } else { print "$p=write ", err(), "\\n" }',
  "  close $w }",
  'my $opts = "none";',
  'if (open(my $m, "<", "/proc/self/mountinfo")) {',
  '  while (<$m>) { my @f = split / /; $opts = $f[5] if $f[4] eq "/proc/sys" } }',
  'print "mount=$opts\\n";',
  'my $map = ""; if (open(my $u, "<", "/proc/self/uid_map")) { local $/; $map = <$u> // "" }',
  'print "userns=", ($map =~ /^\\s*0\\s+0\\s+4294967295\\s*$/ ? "host" : "own"), "\\n";',
].join("\n"));

export function judgeProcSysReadOnly(result: ScriptResult): Judgement {
  const read = readOutput(result, PROC_SYS_OUTPUT);
  if (!read.ok) return read.judgement;
  const tried = OWN_SYSCTLS.map((path) => ({ path, outcome: read.value.get(path) }));
  const mount = read.value.get("mount");
  const userns = read.value.get("userns");
  if (mount === null || userns === null || tried.some((sysctl) => sysctl.outcome === null)) {
    return fail(
      `the probe script did not report every sysctl and the mount (${
        read.value.keys().join(", ") || "nothing"
      })`,
    );
  }
  // Without a user namespace of its own the agent owns no sysctl: EACCES is the refusal.
  const refusal = userns === "host" ? / (EROFS|EACCES) / : / EROFS /;
  const refused = tried.filter((sysctl) => refusal.test(`${sysctl.outcome} `));
  const wrote = tried.filter((sysctl) => sysctl.outcome === "wrote");
  const shown = tried.map((sysctl) => `${sysctl.path}: ${describe(sysctl.outcome ?? "")}`);
  return allOf([
    ...wrote.map((sysctl) => ({
      ok: false,
      evidence: `wrote ${sysctl.path} (its own value, written back): /proc/sys is writable`,
    })),
    {
      ok: wrote.length === 0 && refused.length > 0,
      evidence: refused.length > 0
        ? shown.join("; ")
        : `no write reached the read-only mount (${shown.join("; ")})`,
    },
    {
      ok: mount.split(",").includes("ro"),
      evidence: mount === "none"
        ? "/proc/sys is no mount of its own in /proc/self/mountinfo"
        : `/proc/sys mounted ${mount}`,
    },
  ]);
}

/** `open EROFS 30 Read-only file system` → `open: Read-only file system (EROFS)`. */
function describe(outcome: string): string {
  const match = outcome.match(/^(read|open|write) (E[A-Z0-9]+) \d+ (.*)$/);
  return match ? `${match[1]}: ${match[3]} (${match[2]})` : outcome;
}

export const PROC_SYS_PROBE: Probe = scripted(
  {
    id: "filesystem.proc-sys-read-only",
    group: "filesystem",
    property: "/proc/sys is mounted read-only: even the sandbox's own ipc sysctls get EROFS " +
      "(EACCES where the sandbox has no user namespace and so owns none)",
  },
  () => PROC_SYS_SCRIPT,
  judgeProcSysReadOnly,
);
