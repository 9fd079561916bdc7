/**
 * Raw system calls from inside a bottle, through Perl (`/usr/bin/perl` is on every Debian and
 * Ubuntu system, and the sandbox maps the host's /usr). Each attempt prints one line
 * `NAME=ok` or `NAME=ERRNO number message`; arguments are valid, so that only a policy (a
 * seccomp filter, a missing capability, a sysctl) can refuse the call, and every attempt that
 * succeeds undoes itself.
 */

export type SyscallName =
  | "ptrace"
  | "mount"
  | "umount2"
  | "unshare"
  | "keyctl"
  | "perf_event_open"
  | "bpf"
  | "userfaultfd"
  | "io_uring_setup"
  | "clone3";

/** Syscall numbers per architecture (`Deno.build.arch`). */
export const SYSCALL_NUMBERS: Record<string, Record<SyscallName, number>> = {
  x86_64: {
    ptrace: 101,
    mount: 165,
    umount2: 166,
    unshare: 272,
    keyctl: 250,
    perf_event_open: 298,
    bpf: 321,
    userfaultfd: 323,
    io_uring_setup: 425,
    clone3: 435,
  },
  aarch64: {
    ptrace: 117,
    mount: 40,
    umount2: 39,
    unshare: 97,
    keyctl: 219,
    perf_event_open: 241,
    bpf: 280,
    userfaultfd: 282,
    io_uring_setup: 425,
    clone3: 435,
  },
};

/**
 * The calls `privileges.denied-syscalls` expects refused, in the order they are tried, with
 * the errno the seccomp filter answers: EPERM, but ENOSYS for clone3 (its flags cannot be
 * inspected, so libc is told to fall back to clone).
 */
export const DENIED_CALLS = [
  "keyctl",
  "bpf",
  "perf_event_open",
  "userfaultfd",
  "ptrace",
  "io_uring_setup",
  "mount",
  "clone3",
  "unshare(CLONE_NEWUSER)",
] as const;
export type DeniedCall = typeof DENIED_CALLS[number];

export const EXPECTED_ERRNO: Record<DeniedCall, "EPERM" | "ENOSYS"> = {
  keyctl: "EPERM",
  bpf: "EPERM",
  perf_event_open: "EPERM",
  userfaultfd: "EPERM",
  ptrace: "EPERM",
  io_uring_setup: "EPERM",
  mount: "EPERM",
  clone3: "ENOSYS",
  "unshare(CLONE_NEWUSER)": "EPERM",
};

export class UnsupportedArch extends Error {
  constructor(arch: string) {
    super(`no syscall numbers for ${arch} (known: ${Object.keys(SYSCALL_NUMBERS).join(", ")})`);
  }
}

export function syscallNumbers(arch: string): Record<SyscallName, number> {
  const numbers = SYSCALL_NUMBERS[arch];
  if (!numbers) throw new UnsupportedArch(arch);
  return numbers;
}

/** Perl: `report(NAME, RESULT)` prints the line and returns whether the call succeeded. */
const REPORT = [
  "use strict; use Errno; use POSIX ();",
  "sub report { my ($n, $r) = @_;",
  '  if ($r >= 0) { print "$n=ok\\n"; return 1 }',
  '  my $e = $!+0; my $s = "$!"; my ($name) = grep { $!{$_} } keys %!;',
  '  print "$n=", ($name // "E$e"), " $e $s\\n"; return 0 }',
].join("\n");

/** A Perl program that tries every call of DENIED_CALLS (each undone when it succeeds). */
export function deniedCallsScript(arch: string): string {
  const nr = syscallNumbers(arch);
  return [
    REPORT,
    // KEYCTL_GET_KEYRING_ID of KEY_SPEC_USER_KEYRING, without creating it: read-only.
    `report("keyctl", syscall(${nr.keyctl}, 0, -4, 0));`,
    // BPF_MAP_CREATE: a one-entry array map (closed again).
    'my $b = pack("LLLLL", 2, 4, 4, 1, 0) . ("\\0" x 44);',
    `my $r = syscall(${nr.bpf}, 0, $b, length $b); POSIX::close($r) if report("bpf", $r);`,
    // A software clock counting this process in user space only (closed again).
    'my $p = pack("LLQQQQQLLQ", 1, 64, 0, 0, 0, 0, 97, 0, 0, 0);',
    `$r = syscall(${nr.perf_event_open}, $p, 0, -1, -1, 0);`,
    'POSIX::close($r) if report("perf_event_open", $r);',
    // UFFD_USER_MODE_ONLY: what an unprivileged process may ask for (closed again).
    `$r = syscall(${nr.userfaultfd}, 1); POSIX::close($r) if report("userfaultfd", $r);`,
    // PTRACE_SEIZE of a child of our own (which any policy but a filter allows; killed after).
    "my $kid = fork(); if (defined $kid && $kid == 0) { sleep 10; POSIX::_exit(0) }",
    `report("ptrace", syscall(${nr.ptrace}, 0x4206, $kid, 0, 0));`,
    "kill 'KILL', $kid; waitpid($kid, 0);",
    // A one-entry io_uring with default parameters (closed again).
    'my $u = "\\0" x 120;',
    `$r = syscall(${nr.io_uring_setup}, 1, $u); POSIX::close($r) if report("io_uring_setup", $r);`,
    // A tmpfs on a fresh directory of our own (unmounted again).
    'my ($d, $src, $fs) = ("/tmp/.bb-verify-mnt-$$", "none", "tmpfs"); mkdir $d;',
    `if (report("mount", syscall(${nr.mount}, $src, $d, $fs, 0, 0))) {`,
    `  syscall(${nr.umount2}, $d, 2) }`,
    "rmdir $d;",
    // A plain fork through clone3 (SIGCHLD on exit, no flags): the child exits at once.
    'my $c = pack("Q8", 0, 0, 0, 0, 17, 0, 0, 0);',
    `$r = syscall(${nr.clone3}, $c, length $c); POSIX::_exit(0) if $r == 0;`,
    'waitpid($r, 0) if report("clone3", $r);',
    // Last: a new user namespace for this process only (it exits right after).
    `report("unshare(CLONE_NEWUSER)", syscall(${nr.unshare}, 0x10000000));`,
  ].join("\n");
}

/**
 * PTRACE_SEIZE on `pid`: the same permission check as PTRACE_ATTACH, without stopping the
 * tracee; if it succeeds, exiting detaches it again.
 */
export function ptraceScript(arch: string, pid: number): string {
  const nr = syscallNumbers(arch);
  return [REPORT, `report("ptrace", syscall(${nr.ptrace}, 0x4206, ${pid}, 0, 0));`].join("\n");
}

/** The script line that runs a Perl program (`-e`, quoted for /bin/sh). */
export function perlLine(program: string): string {
  return `/usr/bin/perl -e '${program.replaceAll("'", `'\\''`)}'`;
}
