import { hex } from "../../lib/bytes.ts";
/**
 * Entering a running sandbox, as its owner, in one small perl program (perl-base is on every
 * Debian and Ubuntu). nsenter + setpriv cannot do it: bwrap nests the agent's user namespace
 * (B) inside the one that owns the sandbox's other namespaces (A), so an unprivileged owner
 * must join A first (found with NS_GET_PARENT), then the other namespaces, then B; and the
 * capability bounding set can be emptied only while the joined namespace's capabilities are
 * still held, before the exec that drops them. So this program:
 *
 *   0. when asked (`bottle exec`), closes every descriptor above 2 it inherited and starts a
 *      new session (what `bash -c <close fds>; setsid` did in front of it: two programs fewer
 *      to start);
 *   1. becomes the sandbox owner when started as root (setgroups, then setresgid and setresuid:
 *      real, effective and saved ids all the owner's — it never execs before it forks, so
 *      an exec would not have reset the saved ones);
 *   2. opens B (/proc/PID/ns/user), A (its parent) and the other namespaces of PID;
 *   3. joins A (unless it is already ours), ipc, uts, net, cgroup, pid, mnt (then the cwd),
 *      and B when asked;
 *   4. empties the bounding and ambient sets and sets no_new_privs;
 *   5. forks when it joined a pid namespace (the parent waits and passes the status on:
 *      the code, or 128+N for signal N);
 *   6. loads the seccomp filter, when given, and execs the command: with `env`, in exactly
 *      the environment named there, each variable taken from its ENV_PREFIX copy (see
 *      below), found on that environment's PATH, and failing as a shell's `exec` does
 *      (127 not found, 126 not runnable).
 *
 * Any failure exits 126 with a message and never runs the command.
 */

/**
 * With `env`, the command's environment crosses the host side under this prefix, so that
 * no variable of the sandbox (LD_PRELOAD, LD_LIBRARY_PATH …) can act on this program, which
 * starts on the host.
 */
export const ENV_PREFIX = "BOTTLE_ENV_";

const SYSCALLS: Record<
  string,
  {
    setns: number;
    prctl: number;
    setresuid: number;
    setresgid: number;
    setsid: number;
    close: number;
  }
> = {
  x86_64: { setns: 308, prctl: 157, setresuid: 117, setresgid: 119, setsid: 112, close: 3 },
  aarch64: { setns: 268, prctl: 167, setresuid: 147, setresgid: 149, setsid: 157, close: 57 },
};

/** Namespaces in the order they are joined; `mnt` last, since paths change after it. */
export type Namespace = "ipc" | "uts" | "net" | "cgroup" | "pid" | "mnt";

const CLONE_FLAGS: Record<Namespace | "user", number> = {
  user: 0x10000000,
  ipc: 0x08000000,
  uts: 0x04000000,
  net: 0x40000000,
  cgroup: 0x02000000,
  pid: 0x20000000,
  mnt: 0x00020000,
};
const ORDER: readonly Namespace[] = ["ipc", "uts", "net", "cgroup", "pid", "mnt"];

export const ENTER_SCRIPT = String.raw`
my ($owner, $pid, $nslist, $cwd, $inner, $filter, $detach, $envnames, $setns, $prctl, $setresuid,
  $setresgid, $setsid, $close, @cmd) = @ARGV;
sub fail { print STDERR "bottle-enter: @_\n"; exit 126; }
if ($detach) {
  opendir(my $fds, "/proc/self/fd") or fail("/proc/self/fd: $!");
  my @inherited = grep { /^\d+$/ && $_ > 2 } readdir($fds);
  closedir($fds);
  syscall($close, $_ + 0) for @inherited;
  syscall($setsid) >= 0 or fail("setsid: $!");
}
if ($owner ne "-") {
  my ($uid, $gid) = split /:/, $owner;
  $) = "$gid $gid";
  syscall($setresgid, $gid + 0, $gid + 0, $gid + 0) == 0 or fail("setresgid $gid: $!");
  syscall($setresuid, $uid + 0, $uid + 0, $uid + 0) == 0 or fail("setresuid $uid: $!");
  ($< == $uid && $> == $uid && "$)" eq "$gid $gid") or fail("become $uid:$gid: $!");
}
my %flag = (${Object.entries(CLONE_FLAGS).map(([name, flag]) => `${name} => ${flag}`).join(", ")});
open(my $b, "<", "/proc/$pid/ns/user") or fail("/proc/$pid/ns/user: $!");
my $a = ioctl($b, 0xb702, 0); defined $a or fail("NS_GET_PARENT: $!");
$a = 0 if $a eq "0 but true";
open(my $afh, "<&=", $a) or fail("user namespace parent: $!");
my @ns = map { open(my $fh, "<", "/proc/$pid/ns/$_") or fail("/proc/$pid/ns/$_: $!"); [$_, $fh] }
  grep { length } split /,/, $nslist;
my @ours = stat("/proc/self/ns/user"); my @theirs = stat($afh);
if ("$ours[0]:$ours[1]" ne "$theirs[0]:$theirs[1]") {
  syscall($setns, fileno($afh), $flag{user}) == 0 or fail("join the sandbox's user namespace: $!");
}
for my $n (@ns) {
  syscall($setns, fileno($n->[1]), $flag{$n->[0]}) == 0 or fail("join $n->[0] namespace: $!");
}
if (grep { $_->[0] eq "mnt" } @ns) { chdir($cwd) or fail("cd $cwd: $!"); }
if ($inner) { syscall($setns, fileno($b), $flag{user}) == 0 or fail("join the agent's user namespace: $!"); }
close($_->[1]) for @ns; close($afh); close($b);
for (my $cap = 0; $cap < 64; $cap++) {
  last if syscall($prctl, 23, $cap, 0, 0, 0) < 0;
  syscall($prctl, 24, $cap, 0, 0, 0) == 0 or fail("drop capability $cap from the bounding set: $!");
}
syscall($prctl, 47, 4, 0, 0, 0);
syscall($prctl, 38, 1, 0, 0, 0) == 0 or fail("no_new_privs: $!");
if (grep { $_->[0] eq "pid" } @ns) {
  my $child = fork(); defined $child or fail("fork: $!");
  if ($child) {
    $SIG{$_} = "IGNORE" for qw(INT TERM HUP QUIT);
    waitpid($child, 0) == $child or fail("wait: $!");
    exit(($? & 127) ? 128 + ($? & 127) : $? >> 8);
  }
}
if ($filter ne "-") {
  my $bpf = pack("H*", $filter);
  my $prog = pack("S x![P] P", length($bpf) / 8, $bpf);
  syscall($prctl, 22, 2, $prog, 0, 0) == 0 or fail("seccomp: $!");
}
if ($envnames eq "-") { exec { $cmd[0] } @cmd or fail("exec $cmd[0]: $!"); }
%ENV = map { ($_ => $ENV{"BOTTLE_ENV_$_"} // "") } grep { length } split /,/, $envnames;
exec { $cmd[0] } @cmd;
my $missing = (0 + $!) == 2;
print STDERR "bottle-exec: $cmd[0]: ", ($missing ? "not found" : "$!"), "\n";
exit($missing ? 127 : 126);
`;

export interface EnterOptions {
  perl: string;
  /** Whom to become first (a root operator's sandbox owner); null: stay who we are. */
  owner: { uid: number; gid: number } | null;
  /** Host pid of a process inside (the sandbox's pid 1). */
  pid: number;
  namespaces: readonly Namespace[];
  /** Working directory inside, when the mount namespace is joined. */
  cwd: string;
  /** Whether to end in the agent's own user namespace (B), as every agent process does. */
  inner: boolean;
  seccomp: Uint8Array | null;
  /**
   * Close every inherited descriptor above 2 and lead a new session before anything else:
   * for a command the operator runs (`bottle exec`), which must neither reach what the CLI
   * inherited nor share the operator's terminal session.
   */
  detach?: boolean;
  /**
   * The names of the command's whole environment, each read from its ENV_PREFIX copy in
   * this program's environment; absent: the command inherits this program's environment.
   */
  env?: readonly string[];
  arch?: string;
}

/** The argv prefix that enters the sandbox; the command's argv follows it. */
export function enterArgv(options: EnterOptions): string[] {
  const arch = options.arch ?? Deno.build.arch;
  const numbers = SYSCALLS[arch];
  if (!numbers) throw new Error(`entering a sandbox is not supported on ${arch}`);
  const namespaces = ORDER.filter((name) => options.namespaces.includes(name));
  const filter = options.seccomp ? hex(options.seccomp) : "-";
  return [
    options.perl,
    "-e",
    ENTER_SCRIPT,
    options.owner ? `${options.owner.uid}:${options.owner.gid}` : "-",
    String(options.pid),
    namespaces.join(","),
    options.cwd,
    options.inner ? "1" : "",
    filter,
    options.detach ? "1" : "",
    options.env ? envNames(options.env) : "-",
    String(numbers.setns),
    String(numbers.prctl),
    String(numbers.setresuid),
    String(numbers.setresgid),
    String(numbers.setsid),
    String(numbers.close),
  ];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envNames(names: readonly string[]): string {
  for (const name of names) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name "${name}"`);
  }
  return names.join(",");
}
