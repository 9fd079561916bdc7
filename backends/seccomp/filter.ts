/**
 * The seccomp filter every process of a bottle runs under: a deny-list at least as strict as
 * Docker's default profile for a container without capabilities (moby/profiles seccomp v0.2.3,
 * `profiles/seccomp/default.json`), compiled to classic BPF for bwrap's `--seccomp` and for the
 * entry program of `bottle exec` (backends/bwrap/enter.ts).
 *
 * Rules, in the order the program checks them:
 * 1. `seccomp_data.arch` is not the filter's own architecture → ERRNO(EPERM). On x86_64 that is
 *    i386 (`int 0x80`, sysenter), on aarch64 AArch32 compat tasks. Their syscall numbers mean
 *    other syscalls, so the deny-list cannot apply; a bottle needs neither ABI. EPERM rather
 *    than KILL_PROCESS: it blocks the same syscalls, matches Docker's default action (errno 1),
 *    and a stray 32-bit binary fails with an error message instead of dying without one.
 * 2. x86_64 only: `nr & 0x40000000` (the x32 ABI) → ERRNO(EPERM), for the same reason.
 * 3. The syscalls of SECCOMP_DENIED that exist on the architecture → ERRNO(EPERM).
 * 4. `clone3` → ERRNO(ENOSYS): seccomp cannot read its flags (they sit behind a pointer), and
 *    ENOSYS makes glibc (≥ 2.34) and others fall back to `clone`, whose flags rule 6 checks.
 *    Docker does the same.
 * 5. A number above NEWEST_VETTED_NR (466, removexattrat; the newest syscall in Docker's profile)
 *    → ERRNO(ENOSYS). Docker's allow-list denies syscalls it does not know, and runc answers them
 *    ENOSYS so that userspace falls back; so do we. This covers file_getattr/file_setattr (468,
 *    469), listns (470), rseq_slice_yield (471) and whatever comes next, and, on x86_64, the
 *    legacy x32 numbers 512–547 (which the 64-bit ABI answers ENOSYS itself).
 * 6. `clone` whose flags (arg 0 on both architectures; only s390 swaps them) carry any of
 *    CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP → ERRNO(EPERM). Only the low 32
 *    bits are compared: kernel/fork.c takes `lower_32_bits(clone_flags)` and ignores the rest, so
 *    high bits can neither add a namespace flag nor hide one (and a sign-extended CLONE_IO, bit
 *    31, stays allowed as the kernel would take it).
 * 7. `ioctl` whose request (arg 1, an `unsigned int` in the kernel, so the low 32 bits; comparing
 *    64 bits is how CVE-2019-10063 slipped past flatpak's filter) is TIOCSTI (0x5412, pushes
 *    input into a terminal) or TIOCLINUX (0x541c, can read and paste the console) → EPERM.
 * 8. `personality` with any persona (low 32 bits, the kernel's `unsigned int`) other than the
 *    ones Docker allows — 0x0 PER_LINUX, 0x8 PER_LINUX32, 0x20000 UNAME26, 0x20008, 0xffffffff
 *    (query) — → EPERM; this keeps out READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE and the like.
 * 9. `socket` for AF_ALG (38, the kernel crypto API, a recurring exploit surface) or AF_VSOCK
 *    (40, not network-namespaced: it reaches the hypervisor and host past the bottle's empty
 *    network namespace) → EPERM, as Docker's profile does. AF_NETLINK stays allowed, as in
 *    Docker: inside the bottle's own network namespace it only sees `lo`, glibc needs it
 *    (getaddrinfo's AI_ADDRCONFIG, getifaddrs, if_nameindex) and so does iproute2; netlink
 *    families that change anything check capabilities the bottle does not have.
 * 10. Everything else → ALLOW.
 *
 * Against Docker's profile: every syscall Docker denies to a container without capabilities is
 * denied here too (filter_test.ts checks the list), and some Docker allows are denied:
 * - ptrace, process_vm_readv, process_vm_writev: Docker allows them on kernels ≥ 4.8; a bottle
 *   has no use for debugging another process, and they are the way to tamper with a sibling.
 * - name_to_handle_at: Docker allows it; it only pairs with open_by_handle_at (denied), and it
 *   leaks file handles of the host's filesystems.
 * - adjtimex, clock_adjtime: Docker allows them (changing the clock needs CAP_SYS_TIME anyway);
 *   they are denied here as clock_adjtime was asked for and adjtimex is the same call for
 *   CLOCK_REALTIME. The cost: read-only ntp_gettime()/adjtimex() queries fail with EPERM.
 * - open_tree_attr (467): denied with EPERM by name (new mount API) rather than ENOSYS.
 * - The foreign ABIs (rules 1 and 2): Docker applies its allow-list to i386 and x32 as well.
 * Nothing Docker denies is let through. Docker's conditions on architectures other than x86_64
 * and aarch64 (s390 clone argument order, ppc/s390/riscv-only syscalls) do not apply.
 */

import { assemble, type BpfStep, jeq, jgt, jset, label, ld, ret } from "./bpf.ts";
import {
  AUDIT_ARCH,
  requireSyscall,
  type SeccompArch,
  seccompArch,
  syscallNumber,
  X32_SYSCALL_BIT,
} from "./syscalls.ts";

/** SECCOMP_RET_* actions (<linux/seccomp.h>); ERRNO carries the errno in its low 16 bits. */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const EPERM = 1;
export const ENOSYS = 38;

/** The newest syscall number the deny-list was checked against (see rule 5). */
export const NEWEST_VETTED_NR = 466;

/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: Docker's mask, 0x7e020000. */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 |
  0x10000000 | 0x20000000 | 0x40000000;

export const TIOCSTI = 0x5412;
export const TIOCLINUX = 0x541c;

/** The personas Docker's profile allows. */
export const PERSONALITY_ALLOWED: readonly number[] = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** AF_ALG and AF_VSOCK. */
export const SOCKET_DENIED_FAMILIES: readonly number[] = [38, 40];

/** Why each group is denied; "Docker: X" names the capability Docker's profile gates it on. */
const DENY_GROUPS: readonly { why: string; names: readonly string[] }[] = [
  {
    why: "kernel modules, kexec, reboot, swap, process accounting " +
      "(Docker: CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_PACCT, or never)",
    names: [
      "init_module",
      "finit_module",
      "delete_module",
      "create_module",
      "query_module",
      "get_kernel_syms",
      "kexec_load",
      "kexec_file_load",
      "reboot",
      "swapon",
      "swapoff",
      "acct",
    ],
  },
  {
    why: "the system clock (Docker: CAP_SYS_TIME; adjtimex and clock_adjtime see above)",
    names: ["settimeofday", "clock_settime", "clock_adjtime", "adjtimex"],
  },
  {
    why: "mounts, roots and namespaces, old and new mount API (Docker: CAP_SYS_ADMIN, " +
      "CAP_SYS_CHROOT; pivot_root and open_tree_attr never)",
    names: [
      "mount",
      "umount2",
      "pivot_root",
      "chroot",
      "unshare",
      "setns",
      "fsopen",
      "fsconfig",
      "fsmount",
      "fspick",
      "move_mount",
      "open_tree",
      "open_tree_attr",
      "mount_setattr",
    ],
  },
  {
    why: "the kernel keyring, which is not namespaced (Docker: never)",
    names: ["add_key", "keyctl", "request_key"],
  },
  {
    why:
      "reaching into other processes (Docker: CAP_SYS_PTRACE; ptrace and process_vm_* see above)",
    names: [
      "ptrace",
      "process_vm_readv",
      "process_vm_writev",
      "process_madvise",
      "kcmp",
      "pidfd_getfd",
    ],
  },
  {
    why: "large kernel attack surface: eBPF, perf, userfaultfd (used to win races in exploits), " +
      "io_uring, fanotify, dcookies (Docker: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN, or never)",
    names: [
      "bpf",
      "perf_event_open",
      "userfaultfd",
      "io_uring_setup",
      "io_uring_enter",
      "io_uring_register",
      "fanotify_init",
      "lookup_dcookie",
    ],
  },
  {
    why: "file handles, which bypass the mount namespace (Docker: CAP_DAC_READ_SEARCH)",
    names: ["open_by_handle_at", "name_to_handle_at"],
  },
  {
    why: "NUMA memory policy and page migration (Docker: CAP_SYS_NICE, or never)",
    names: [
      "mbind",
      "set_mempolicy",
      "set_mempolicy_home_node",
      "get_mempolicy",
      "migrate_pages",
      "move_pages",
    ],
  },
  {
    why: "host name, kernel log, quotas, terminal hangup, LSM attributes " +
      "(Docker: CAP_SYS_ADMIN, CAP_SYSLOG, CAP_SYS_TTY_CONFIG)",
    names: [
      "sethostname",
      "setdomainname",
      "syslog",
      "quotactl",
      "quotactl_fd",
      "vhangup",
      "lsm_get_self_attr",
      "lsm_set_self_attr",
      "lsm_list_modules",
    ],
  },
  {
    why: "x86 port I/O (Docker: CAP_SYS_RAWIO)",
    names: ["iopl", "ioperm"],
  },
  {
    why: "obsolete or unimplemented syscalls Docker's allow-list leaves out",
    names: [
      "_sysctl",
      "nfsservctl",
      "uselib",
      "ustat",
      "sysfs",
      "afs_syscall",
      "getpmsg",
      "putpmsg",
      "security",
      "tuxcall",
      "vserver",
    ],
  },
];

/** Every syscall name the filter denies with EPERM outright (on the architectures that have it). */
export const SECCOMP_DENIED: readonly string[] = DENY_GROUPS.flatMap((group) => group.names);

// Offsets in struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }.
// Both supported architectures are little-endian: an argument's low word comes first.
const NR = 0;
const ARCH = 4;
const argLow = (index: number): number => 16 + 8 * index;

const DENY = SECCOMP_RET_ERRNO | EPERM;
const NOSYS = SECCOMP_RET_ERRNO | ENOSYS;

/** The numbers of SECCOMP_DENIED on `arch`, sorted, without the names the arch lacks. */
export function deniedNumbers(arch: SeccompArch): number[] {
  const numbers = SECCOMP_DENIED.map((name) => syscallNumber(arch, name))
    .filter((nr): nr is number => nr !== undefined);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/** The filter as assembler steps (exported for the tests' disassembly). */
export function filterProgram(arch: SeccompArch): BpfStep[] {
  const nr = (name: string): number => requireSyscall(arch, name);
  return [
    ld(ARCH),
    jeq(AUDIT_ARCH[arch], undefined, "deny"),
    ld(NR),
    ...(arch === "x86_64" ? [jset(X32_SYSCALL_BIT, "deny")] : []),
    ...deniedNumbers(arch).map((denied) => jeq(denied, "deny")),
    jeq(nr("clone3"), "nosys"),
    jgt(NEWEST_VETTED_NR, "nosys"),
    jeq(nr("clone"), "clone"),
    jeq(nr("ioctl"), "ioctl"),
    jeq(nr("personality"), "personality"),
    jeq(nr("socket"), "socket"),
    ret(SECCOMP_RET_ALLOW),

    label("clone"),
    ld(argLow(0)),
    jset(CLONE_NAMESPACE_FLAGS, "deny", "allow"),

    label("ioctl"),
    ld(argLow(1)),
    jeq(TIOCSTI, "deny"),
    jeq(TIOCLINUX, "deny", "allow"),

    label("personality"),
    ld(argLow(0)),
    ...PERSONALITY_ALLOWED.map((persona) => jeq(persona, "allow")),
    ret(DENY),

    label("socket"),
    ld(argLow(0)),
    ...SOCKET_DENIED_FAMILIES.map((family) => jeq(family, "deny")),
    ret(SECCOMP_RET_ALLOW),

    label("deny"),
    ret(DENY),
    label("nosys"),
    ret(NOSYS),
    label("allow"),
    ret(SECCOMP_RET_ALLOW),
  ];
}

/**
 * The compiled filter for `arch` (default: this machine's), as the bytes of its
 * `struct sock_filter` array: what bwrap's `--seccomp FD` reads and what enter.ts installs.
 * Throws on an architecture other than x86_64 and aarch64.
 */
export function seccompFilter(arch: SeccompArch = seccompArch()): Uint8Array {
  return assemble(filterProgram(seccompArch(arch)));
}
