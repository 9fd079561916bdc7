/**
 * Installs the seccomp filter in a process that bwrap did not start (`bottle exec` enters the
 * bottle with nsenter and setpriv, and util-linux 2.38's setpriv cannot load a filter), with
 * perl, which every Debian and Ubuntu has (perl-base is Essential).
 *
 * `[...seccompExecArgv(perl, filter), ...command]` runs perl, which:
 * 1. takes the filter from its argv as hex (the filter is public; no file is read, and perl runs
 *    with `-t`, which ignores PERL5OPT and PERL5LIB, so no module is loaded either, and `-C0`,
 *    which ignores PERL_UNICODE, so the command's arguments pass through as bytes);
 * 2. sets PR_SET_NO_NEW_PRIVS (`prctl(38, 1, 0, 0, 0)`);
 * 3. installs the filter with `prctl(PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2, &fprog)`,
 *    where `struct sock_fprog { unsigned short len; struct sock_filter *filter; }` is packed as
 *    `S x![P] P` (u16, padding to pointer alignment, pointer);
 * 4. `exec { $ARGV[0] } @ARGV`: the command, searched on PATH, with the environment untouched.
 *
 * If a step before exec fails (no or malformed filter, no command, a prctl refused, a filter
 * the kernel rejects), perl says why on stderr and exits 126 without running the command. If
 * exec itself fails, it exits 127 when the command was not found and 126 otherwise, as shells do.
 */

import { BPF_MAXINSNS } from "./bpf.ts";
import { requireSyscall, type SeccompArch, seccompArch } from "./syscalls.ts";

const PR_SET_SECCOMP = 22;
const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_MODE_FILTER = 2;

/** The perl program, for the architecture's prctl syscall number. */
export function loaderScript(prctl: number): string {
  const say = "bot-bottle seccomp loader";
  return [
    // -t turns taint problems into warnings (PATH, @ARGV into exec); they are noise here.
    "$SIG{__WARN__} = sub {};",
    `sub fail { print STDERR "${say}: $_[0]; the command was not run\\n"; exit 126 }`,
    "my $hex = shift @ARGV;",
    `defined($hex) && $hex =~ /\\A([0-9a-f]+)\\z/ or fail("the filter is not lower-case hex");`,
    "my $prog = pack('H*', $1);",
    `length($prog) % 8 == 0 && length($prog) >= 8 && length($prog) <= ${8 * BPF_MAXINSNS}`,
    `  or fail("the filter is not 1 to ${BPF_MAXINSNS} whole sock_filter records");`,
    `@ARGV or fail("no command given");`,
    `syscall(${prctl}, ${PR_SET_NO_NEW_PRIVS}, 1, 0, 0, 0) == 0`,
    `  or fail("prctl(PR_SET_NO_NEW_PRIVS): $!");`,
    "my $fprog = pack('S x![P] P', length($prog) / 8, $prog);",
    `syscall(${prctl}, ${PR_SET_SECCOMP}, ${SECCOMP_MODE_FILTER}, $fprog, 0, 0) == 0`,
    `  or fail("prctl(PR_SET_SECCOMP): $!");`,
    "exec { $ARGV[0] } @ARGV;",
    "my $errno = $! + 0;",
    `print STDERR "${say}: $ARGV[0]: $!\\n";`,
    "exit($errno == 2 ? 127 : 126);",
  ].join("\n");
}

/** Lower-case hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The argv prefix that runs the command that follows it under `filter`:
 * `[perl, "-t", "-C0", "-e", SCRIPT, "--", HEX]`. `arch` (default: this machine's) picks the
 * prctl syscall number (157 on x86_64, 167 on aarch64); it must be the machine perl runs on.
 * Throws when the filter is not 1 to 4096 whole 8-byte instructions.
 */
export function seccompExecArgv(
  perl: string,
  filter: Uint8Array,
  arch: SeccompArch = seccompArch(),
): string[] {
  if (filter.length < 8 || filter.length % 8 !== 0 || filter.length > 8 * BPF_MAXINSNS) {
    throw new Error(
      `seccomp: a filter is 1 to ${BPF_MAXINSNS} 8-byte instructions, not ${filter.length} bytes`,
    );
  }
  const prctl = requireSyscall(seccompArch(arch), "prctl");
  return [perl, "-t", "-C0", "-e", loaderScript(prctl), "--", toHex(filter)];
}
