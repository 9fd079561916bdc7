import assert from "node:assert/strict";
import { SECCOMP_DENIED } from "./filter.ts";
import { AUDIT_ARCH, type SeccompArch, seccompArch, syscallNumber, SYSCALLS } from "./syscalls.ts";

const X86_64_HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";
const GENERIC_HEADER = "/usr/aarch64-linux-gnu/include/asm-generic/unistd.h";

/** The numbers newer than the installed headers (6.1 ends at 450), from the kernel's table. */
const NEWER_THAN_HEADERS = 451;

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** `#define __NR_name N` lines of x86_64's unistd_64.h. */
function parseX86Header(text: string): Map<string, number> {
  const table = new Map<string, number>();
  for (const match of text.matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)) {
    table.set(match[1], Number(match[2]));
  }
  return table;
}

/**
 * The asm-generic table as a 64-bit arm64 build sees it: `__NR3264_x` under its 64-bit name,
 * and the blocks only 32-bit builds get (`__BITS_PER_LONG == 32`) left out.
 */
function parseGenericHeader(text: string): Map<string, number> {
  const table = new Map<string, number>();
  const skipping: boolean[] = [];
  for (const line of text.split("\n")) {
    if (/^#if/.test(line)) {
      skipping.push(/__BITS_PER_LONG == 32/.test(line) && !/!=/.test(line));
      continue;
    }
    if (/^#else/.test(line)) {
      skipping.push(!skipping.pop());
      continue;
    }
    if (/^#endif/.test(line)) {
      skipping.pop();
      continue;
    }
    if (skipping.some((skip) => skip)) continue;
    const match = /^#define __NR(3264)?_(\w+)\s+(\d+)\s*$/.exec(line);
    if (match) table.set(match[2] === "fstatat" ? "newfstatat" : match[2], Number(match[3]));
  }
  table.delete("syscalls");
  table.delete("arch_specific_syscall");
  return table;
}

function checkAgainst(arch: SeccompArch, header: Map<string, number>): void {
  for (const [name, nr] of Object.entries(SYSCALLS[arch])) {
    if (header.has(name)) {
      assert.equal(nr, header.get(name), `${arch} ${name}`);
    } else {
      assert.ok(nr >= NEWER_THAN_HEADERS, `${arch} ${name} (${nr}) is missing from the header`);
    }
  }
  for (const name of SECCOMP_DENIED) {
    if (header.has(name)) {
      assert.equal(syscallNumber(arch, name), header.get(name), `${arch} lacks denied ${name}`);
    }
  }
}

Deno.test({
  name: "x86_64 numbers match this machine's unistd_64.h",
  ignore: readText(X86_64_HEADER) === null,
  fn(): void {
    const header = parseX86Header(readText(X86_64_HEADER)!);
    assert.equal(header.get("prctl"), 157);
    assert.ok(header.size > 300);
    checkAgainst("x86_64", header);
  },
});

Deno.test({
  name: "aarch64 numbers match the asm-generic unistd.h (linux-libc-dev-arm64-cross)",
  ignore: readText(GENERIC_HEADER) === null,
  fn(): void {
    const header = parseGenericHeader(readText(GENERIC_HEADER)!);
    assert.equal(header.get("prctl"), 167);
    assert.equal(header.get("mmap"), 222);
    assert.equal(header.has("clock_settime64"), false, "32-bit-only blocks are left out");
    assert.equal(header.has("renameat"), true, "__ARCH_WANT_RENAMEAT blocks are kept");
    assert.ok(header.size > 280);
    checkAgainst("aarch64", header);
  },
});

Deno.test("the unified numbers (424 and up) agree between the arches", () => {
  for (const [name, nr] of Object.entries(SYSCALLS.x86_64)) {
    if (nr >= 424) assert.equal(SYSCALLS.aarch64[name], nr, name);
  }
});

Deno.test("AUDIT_ARCH values are EM_* | 64BIT | LE", () => {
  const LE = 0x40000000;
  const BIT64 = 0x80000000;
  assert.equal(AUDIT_ARCH.x86_64, (62 | BIT64 | LE) >>> 0);
  assert.equal(AUDIT_ARCH.aarch64, (183 | BIT64 | LE) >>> 0);
  assert.equal(AUDIT_ARCH.i386, 3 | LE);
  assert.equal(AUDIT_ARCH.arm, 40 | LE);
});

Deno.test("seccompArch accepts the two arches and names the others", () => {
  assert.equal(seccompArch("x86_64"), "x86_64");
  assert.equal(seccompArch("aarch64"), "aarch64");
  assert.equal(seccompArch(), Deno.build.arch);
  assert.throws(() => seccompArch("s390x"), /unsupported architecture "s390x".*x86_64 and aarch64/);
});
