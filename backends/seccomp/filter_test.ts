import assert from "node:assert/strict";
import {
  CLONE_NAMESPACE_FLAGS,
  NEWEST_VETTED_NR,
  PERSONALITY_ALLOWED,
  SECCOMP_DENIED,
  seccompFilter,
} from "./filter.ts";
import { AUDIT_ARCH, SECCOMP_ARCHES, type SeccompArch, syscallNumber } from "./syscalls.ts";
import { requireSyscall, X32_SYSCALL_BIT } from "./syscalls.ts";
import { decodeFilter, runFilter, verdict } from "./testing.ts";

const EPERM = "errno 1";
const ENOSYS = "errno 38";

/** Runs the arch's own filter on a native syscall. */
function check(arch: SeccompArch, name: string | number, args: readonly bigint[] = []): string {
  const nr = typeof name === "number" ? name : requireSyscall(arch, name);
  return verdict(runFilter(seccompFilter(arch), { arch: AUDIT_ARCH[arch], nr, args }));
}

/**
 * What Docker's default profile (moby/profiles seccomp v0.2.3) denies a container without
 * capabilities, by name: everything outside its allow-list plus everything its allow-list gates
 * on a capability. clone, clone3, personality and socket (argument rules) are tested apart.
 */
// deno-fmt-ignore
const DOCKER_DENIED = [
  "_sysctl", "acct", "add_key", "afs_syscall", "bpf", "chroot", "clock_settime", "create_module",
  "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
  "get_kernel_syms", "get_mempolicy", "getpmsg", "init_module", "io_uring_enter",
  "io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load",
  "keyctl", "lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mbind",
  "migrate_pages", "mount", "mount_setattr", "move_mount", "move_pages", "nfsservctl",
  "open_by_handle_at", "open_tree", "open_tree_attr", "perf_event_open", "pidfd_getfd",
  "pivot_root", "process_madvise", "putpmsg", "query_module", "quotactl", "quotactl_fd", "reboot",
  "request_key", "security", "set_mempolicy", "set_mempolicy_home_node", "setdomainname",
  "sethostname", "setns", "settimeofday", "swapoff", "swapon", "sysfs", "syslog", "tuxcall",
  "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vhangup", "vserver", "file_getattr",
  "file_setattr",
];

for (const arch of SECCOMP_ARCHES) {
  Deno.test(`${arch}: every denied syscall the arch has answers EPERM`, () => {
    let present = 0;
    for (const name of SECCOMP_DENIED) {
      if (syscallNumber(arch, name) === undefined) continue;
      present++;
      assert.equal(check(arch, name), EPERM, name);
      assert.equal(check(arch, name, [0xffffffffffffffffn, 1n, 2n, 3n, 4n, 5n]), EPERM, name);
    }
    assert.ok(present >= (arch === "x86_64" ? 77 : 62), `${present} denied on ${arch}`);
  });

  Deno.test(`${arch}: whatever Docker denies without capabilities is denied`, () => {
    for (const name of DOCKER_DENIED) {
      const known = SECCOMP_ARCHES.some((other) => syscallNumber(other, name) !== undefined);
      assert.ok(known, `${name} is in a syscall table`);
      if (syscallNumber(arch, name) === undefined) continue;
      assert.notEqual(check(arch, name), "allow", name);
    }
    for (const name of ["ptrace", "process_vm_readv", "process_vm_writev", "name_to_handle_at"]) {
      assert.equal(check(arch, name), EPERM, `${name} (which Docker allows) is denied too`);
    }
  });

  Deno.test(`${arch}: ordinary syscalls are allowed, whatever their arguments`, () => {
    for (const name of ["read", "write", "openat", "close", "mmap", "execve", "getpid"]) {
      assert.equal(check(arch, name), "allow", name);
      assert.equal(check(arch, name, [0x5412n, 0x10000000n, 40n, 0x7e020000n]), "allow", name);
    }
    assert.equal(check(arch, "exit_group"), "allow");
    assert.equal(check(arch, NEWEST_VETTED_NR), "allow", "removexattrat");
  });

  Deno.test(`${arch}: only clone, ioctl, personality and socket look at arguments`, () => {
    const filter = seccompFilter(arch);
    const special = new Set(["clone", "ioctl", "personality", "socket"].map((name) => {
      return requireSyscall(arch, name);
    }));
    const odd = [0x41n, 0x7e020000n, 0x5412n, 0x0400000n, 40n, 0xffffffff00000000n];
    for (let nr = 0; nr < 600; nr++) {
      if (special.has(nr)) continue;
      const plain = runFilter(filter, { arch: AUDIT_ARCH[arch], nr });
      const withArgs = runFilter(filter, { arch: AUDIT_ARCH[arch], nr, args: odd });
      assert.equal(withArgs, plain, `nr ${nr}`);
    }
  });

  Deno.test(`${arch}: clone with a namespace flag is EPERM; without, allowed`, () => {
    const glibcThread = 0x3d0f00n; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|*TID
    const glibcFork = 0x1200011n; // CLONE_CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
    assert.equal(check(arch, "clone", [glibcThread]), "allow");
    assert.equal(check(arch, "clone", [glibcFork]), "allow");
    assert.equal(check(arch, "clone", [0x80000000n | 17n]), "allow", "CLONE_IO");
    for (let bit = 0; bit < 32; bit++) {
      const flag = 1 << bit >>> 0;
      if ((CLONE_NAMESPACE_FLAGS & flag) === 0) continue;
      assert.equal(
        check(arch, "clone", [BigInt(flag) | glibcFork]),
        EPERM,
        `0x${flag.toString(16)}`,
      );
    }
    assert.equal(check(arch, "clone", [0x10000000n]), EPERM, "CLONE_NEWUSER");
    // The kernel keeps only the low 32 bits of the flags: high bits neither hide nor add one.
    assert.equal(check(arch, "clone", [0xffffffff10000011n]), EPERM);
    assert.equal(check(arch, "clone", [0x1234567800000011n]), "allow");
    assert.equal(check(arch, "clone", [0xffffffff80000011n]), "allow", "sign-extended CLONE_IO");
    assert.equal(check(arch, "clone", [0x11n, 0x10000000n]), "allow", "only arg 0 is flags");
  });

  Deno.test(`${arch}: clone3 is ENOSYS, so libc falls back to clone`, () => {
    assert.equal(check(arch, "clone3"), ENOSYS);
    assert.equal(check(arch, "clone3", [0n, 88n]), ENOSYS);
  });

  Deno.test(`${arch}: ioctl TIOCSTI and TIOCLINUX are EPERM, with or without high bits`, () => {
    for (const request of [0x5412n, 0x541cn, 0x100005412n, 0xffffffff0000541cn]) {
      assert.equal(check(arch, "ioctl", [0n, request]), EPERM, request.toString(16));
    }
    for (const request of [0x5401n, 0x541bn, 0x5413n, 0x5412_0000n]) {
      assert.equal(check(arch, "ioctl", [0n, request]), "allow", request.toString(16));
    }
    assert.equal(check(arch, "ioctl", [0x5412n, 0x5401n]), "allow", "fd 0x5412, TCGETS");
  });

  Deno.test(`${arch}: personality only takes the values Docker allows`, () => {
    for (const persona of PERSONALITY_ALLOWED) {
      assert.equal(check(arch, "personality", [BigInt(persona)]), "allow", persona.toString(16));
    }
    for (const persona of [0x0400000n, 0x0040000n, 0x1n, 0x20000008n, 0xfffffffen]) {
      assert.equal(check(arch, "personality", [persona]), EPERM, persona.toString(16));
    }
    assert.equal(check(arch, "personality", [0xdead000000000008n]), "allow", "low 32 bits count");
  });

  Deno.test(`${arch}: socket denies AF_ALG and AF_VSOCK, allows the rest`, () => {
    assert.equal(check(arch, "socket", [38n, 5n, 0n]), EPERM, "AF_ALG");
    assert.equal(check(arch, "socket", [40n, 1n, 0n]), EPERM, "AF_VSOCK");
    assert.equal(check(arch, "socket", [0x100000028n, 1n, 0n]), EPERM, "AF_VSOCK, high bits");
    for (const family of [1n, 2n, 10n, 16n, 17n, 39n, 41n, 44n]) {
      assert.equal(check(arch, "socket", [family, 1n, 0n]), "allow", `family ${family}`);
    }
  });

  Deno.test(`${arch}: a foreign architecture gets EPERM for everything`, () => {
    const filter = seccompFilter(arch);
    const foreign = [
      AUDIT_ARCH.i386,
      AUDIT_ARCH.arm,
      arch === "x86_64" ? AUDIT_ARCH.aarch64 : AUDIT_ARCH.x86_64,
      0,
    ];
    for (const audit of foreign) {
      for (const nr of [0, 1, 3, 11, 39, 56, 120, 221, 435, 1000]) {
        assert.equal(verdict(runFilter(filter, { arch: audit, nr })), EPERM, `${audit}/${nr}`);
      }
    }
  });

  Deno.test(`${arch}: syscalls newer than the vetted ones are ENOSYS`, () => {
    assert.equal(check(arch, "open_tree_attr"), EPERM, "named: new mount API");
    for (const nr of [468, 469, 470, 471, 500, 512, 547, 1024, 0x3fffffff]) {
      assert.equal(check(arch, nr), ENOSYS, `nr ${nr}`);
    }
  });
}

Deno.test("x86_64: the x32 ABI is EPERM, whatever the syscall", () => {
  for (const name of ["read", "write", "execve", "getpid", "openat"]) {
    const nr = requireSyscall("x86_64", name) | X32_SYSCALL_BIT;
    assert.equal(check("x86_64", nr), EPERM, name);
  }
  assert.equal(check("x86_64", 0x40000000 + 514), EPERM, "x32 ioctl");
  assert.equal(check("x86_64", 0xffffffff), EPERM, "nr -1 has the x32 bit");
});

Deno.test("aarch64: no x86-only syscall is in its table", () => {
  for (const name of ["iopl", "ioperm", "_sysctl", "uselib", "ustat", "sysfs", "create_module"]) {
    assert.equal(syscallNumber("aarch64", name), undefined, name);
  }
});

Deno.test("the filter is valid classic BPF, the same every time, and differs per arch", () => {
  for (const arch of SECCOMP_ARCHES) {
    const filter = seccompFilter(arch);
    assert.ok(decodeFilter(filter).length < 200);
    assert.deepEqual(seccompFilter(arch), filter);
    assert.equal(new DataView(filter.buffer).getUint32(12, true), AUDIT_ARCH[arch]);
  }
  assert.notDeepEqual(seccompFilter("x86_64"), seccompFilter("aarch64"));
  assert.deepEqual(seccompFilter(), seccompFilter(Deno.build.arch as SeccompArch));
});

Deno.test("an unsupported architecture is a clear error", () => {
  assert.throws(
    () => seccompFilter("riscv64" as SeccompArch),
    /unsupported architecture "riscv64"/,
  );
});

Deno.test("the deny-list names real syscalls, once each", () => {
  assert.equal(new Set(SECCOMP_DENIED).size, SECCOMP_DENIED.length);
  for (const name of SECCOMP_DENIED) {
    const somewhere = SECCOMP_ARCHES.some((arch) => syscallNumber(arch, name) !== undefined);
    assert.ok(somewhere, `${name} has a number on some arch`);
  }
  for (const name of ["clone", "clone3", "ioctl", "personality", "socket", "read", "execve"]) {
    assert.ok(!SECCOMP_DENIED.includes(name), name);
  }
});
