/**
 * Syscall numbers and audit architectures for the two architectures the seccomp filter supports.
 *
 * Only the names the filter (and its tests) need are listed. Sources:
 * - x86_64: `arch/x86/entry/syscalls/syscall_64.tbl` in the Linux source, as installed in
 *   `/usr/include/x86_64-linux-gnu/asm/unistd_64.h` (Debian 12's linux-libc-dev 6.1, which ends at
 *   450); `syscalls_test.ts` compares every number against that header when it is present.
 * - aarch64: the asm-generic table `include/uapi/asm-generic/unistd.h` (64-bit, with arm64's
 *   `__ARCH_WANT_*` set: RENAMEAT, NEW_STAT, SET_GET_RLIMIT, TIME32_SYSCALLS, SYS_CLONE3,
 *   MEMFD_SECRET), as shipped in Debian's `linux-libc-dev-arm64-cross` (6.1) at
 *   `/usr/aarch64-linux-gnu/include/asm-generic/unistd.h`; also checked by `syscalls_test.ts`.
 * - Numbers from 424 up are shared by every architecture (`scripts/syscall.tbl`); those newer
 *   than the 6.1 headers come from the kernel's table: 457 statmount, 458 listmount,
 *   459 lsm_get_self_attr, 460 lsm_set_self_attr, 461 lsm_list_modules, 462 mseal,
 *   463–466 {set,get,list,remove}xattrat, 467 open_tree_attr, 468 file_getattr,
 *   469 file_setattr, 470 listns, 471 rseq_slice_yield.
 */

/** The architectures a filter can be built for (the names `Deno.build.arch` uses). */
export type SeccompArch = "x86_64" | "aarch64";

/** The architectures, for iteration. */
export const SECCOMP_ARCHES: readonly SeccompArch[] = ["x86_64", "aarch64"];

/** `AUDIT_ARCH_*` from <linux/audit.h>: EM_* | __AUDIT_ARCH_64BIT (1<<31) | __AUDIT_ARCH_LE (1<<30). */
export const AUDIT_ARCH = {
  /** EM_X86_64 (62) | 64BIT | LE */
  x86_64: 0xc000003e,
  /** EM_AARCH64 (183) | 64BIT | LE */
  aarch64: 0xc00000b7,
  /** EM_386 (3) | LE: `int 0x80` from an x86_64 process */
  i386: 0x40000003,
  /** EM_ARM (40) | LE: AArch32 compat tasks on aarch64 */
  arm: 0x40000028,
} as const;

/** x86_64 marks x32-ABI syscalls with this bit in the number (`__X32_SYSCALL_BIT`). */
export const X32_SYSCALL_BIT = 0x40000000;

type SyscallTable = Readonly<Record<string, number>>;

/** Numbers shared by both tables (the unified range, 424 and up). */
const UNIFIED: SyscallTable = {
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  clone3: 435,
  pidfd_getfd: 438,
  process_madvise: 440,
  mount_setattr: 442,
  quotactl_fd: 443,
  set_mempolicy_home_node: 450,
  lsm_get_self_attr: 459,
  lsm_set_self_attr: 460,
  lsm_list_modules: 461,
  removexattrat: 466,
  open_tree_attr: 467,
  file_getattr: 468,
  file_setattr: 469,
};

const X86_64: SyscallTable = {
  read: 0,
  write: 1,
  close: 3,
  mmap: 9,
  ioctl: 16,
  getpid: 39,
  socket: 41,
  clone: 56,
  execve: 59,
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  personality: 135,
  ustat: 136,
  sysfs: 139,
  vhangup: 153,
  pivot_root: 155,
  _sysctl: 156,
  prctl: 157,
  adjtimex: 159,
  chroot: 161,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  sethostname: 170,
  setdomainname: 171,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  get_kernel_syms: 177,
  query_module: 178,
  quotactl: 179,
  nfsservctl: 180,
  getpmsg: 181,
  putpmsg: 182,
  afs_syscall: 183,
  tuxcall: 184,
  security: 185,
  lookup_dcookie: 212,
  clock_settime: 227,
  exit_group: 231,
  vserver: 236,
  mbind: 237,
  set_mempolicy: 238,
  get_mempolicy: 239,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  migrate_pages: 256,
  openat: 257,
  unshare: 272,
  move_pages: 279,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  ...UNIFIED,
};

const AARCH64: SyscallTable = {
  lookup_dcookie: 18,
  ioctl: 29,
  umount2: 39,
  mount: 40,
  pivot_root: 41,
  nfsservctl: 42,
  chroot: 51,
  openat: 56,
  close: 57,
  vhangup: 58,
  quotactl: 60,
  read: 63,
  write: 64,
  acct: 89,
  personality: 92,
  exit_group: 94,
  unshare: 97,
  kexec_load: 104,
  init_module: 105,
  delete_module: 106,
  clock_settime: 112,
  syslog: 116,
  ptrace: 117,
  reboot: 142,
  sethostname: 161,
  setdomainname: 162,
  prctl: 167,
  settimeofday: 170,
  adjtimex: 171,
  getpid: 172,
  socket: 198,
  add_key: 217,
  request_key: 218,
  keyctl: 219,
  clone: 220,
  execve: 221,
  mmap: 222,
  swapon: 224,
  swapoff: 225,
  mbind: 235,
  get_mempolicy: 236,
  set_mempolicy: 237,
  migrate_pages: 238,
  move_pages: 239,
  perf_event_open: 241,
  fanotify_init: 262,
  name_to_handle_at: 264,
  open_by_handle_at: 265,
  clock_adjtime: 266,
  setns: 268,
  process_vm_readv: 270,
  process_vm_writev: 271,
  kcmp: 272,
  finit_module: 273,
  bpf: 280,
  userfaultfd: 282,
  kexec_file_load: 294,
  ...UNIFIED,
};

/** name → number, per architecture; a name missing from a table does not exist there. */
export const SYSCALLS: Readonly<Record<SeccompArch, SyscallTable>> = {
  x86_64: X86_64,
  aarch64: AARCH64,
};

/** The number of `name` on `arch`, or undefined when the architecture has no such syscall. */
export function syscallNumber(arch: SeccompArch, name: string): number | undefined {
  return Object.hasOwn(SYSCALLS[arch], name) ? SYSCALLS[arch][name] : undefined;
}

/** The number of `name` on `arch`; throws when the architecture has no such syscall. */
export function requireSyscall(arch: SeccompArch, name: string): number {
  const nr = syscallNumber(arch, name);
  if (nr === undefined) throw new Error(`seccomp: ${arch} has no syscall ${name}`);
  return nr;
}

/** Checks an architecture name (`Deno.build.arch` by default) and narrows it. */
export function seccompArch(arch: string = Deno.build.arch): SeccompArch {
  if (arch === "x86_64" || arch === "aarch64") return arch;
  throw new Error(
    `seccomp: unsupported architecture "${arch}" (a filter can be built for ${
      SECCOMP_ARCHES.join(" and ")
    } only)`,
  );
}
