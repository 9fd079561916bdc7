import { hex } from "../../lib/bytes.ts";
/**
 * Entering a running sandbox, as its owner, in one small perl program (perl-base is on every
 * Debian and Ubuntu). nsenter + setpriv cannot do it: bwrap nests the agent's user namespace
 * (B) inside the one that owns the sandbox's other namespaces (A), so an unprivileged owner
 * must join A first (found with NS_GET_PARENT), then the other namespaces, then B; and the
 * capability bounding set can be emptied only while the joined namespace's capabilities are
 * still held, before the exec that drops them. So this program:
 *
 *   0. becomes the sandbox owner when started as root (setgroups, then setresgid and setresuid:
 *      real, effective and saved ids all the owner's — it never execs before it forks, so
 *      an exec would not have reset the saved ones);
 *   1. opens B (/proc/PID/ns/user), A (its parent) and the other namespaces of PID;
 *   2. joins A (unless it is already ours), ipc, uts, net, cgroup, pid, mnt (then the cwd),
 *      and B when asked;
 *   3. empties the bounding and ambient sets and sets no_new_privs;
 *   4. forks when it joined a pid namespace (the parent waits and passes the status on:
 *      the code, or 128+N for signal N);
 *   5. loads the seccomp filter, when given, and execs the command.
 *
 * Any failure exits 126 with a message and never runs the command.
 */

const SYSCALLS: Record<
  string,
  { setns: number; prctl: number; setresuid: number; setresgid: number }
> = {
  x86_64: { setns: 308, prctl: 157, setresuid: 117, setresgid: 119 },
  aarch64: { setns: 268, prctl: 167, setresuid: 147, setresgid: 149 },
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
my ($owner, $pid, $nslist, $cwd, $inner, $filter, $setns, $prctl, $setresuid, $setresgid, @cmd) =
  @ARGV;
sub fail { print STDERR "bottle-enter: @_\n"; exit 126; }
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
exec { $cmd[0] } @cmd or fail("exec $cmd[0]: $!");
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
    String(numbers.setns),
    String(numbers.prctl),
    String(numbers.setresuid),
    String(numbers.setresgid),
  ];
}
