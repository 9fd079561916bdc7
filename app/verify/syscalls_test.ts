import { assertEquals, assertMatch, assertThrows } from "../../tests/assert.ts";
import {
  DENIED_CALLS,
  deniedCallsScript,
  EXPECTED_ERRNO,
  perlLine,
  ptraceScript,
  syscallNumbers,
} from "./syscalls.ts";

Deno.test("syscall numbers: x86_64 and aarch64, another arch is a clear error", () => {
  assertMatch(String(syscallNumbers("x86_64").ptrace), /^101$/);
  assertMatch(String(syscallNumbers("aarch64").ptrace), /^117$/);
  assertThrows(
    () => syscallNumbers("riscv64"),
    /no syscall numbers for riscv64 \(known: x86_64, aarch64\)/,
  );
});

Deno.test("the Perl programs use the architecture's numbers", () => {
  assertMatch(ptraceScript("x86_64", 1), /syscall\(101, 0x4206, 1, 0, 0\)/);
  assertMatch(ptraceScript("aarch64", 1), /syscall\(117, 0x4206, 1, 0, 0\)/);
  const arm = deniedCallsScript("aarch64");
  for (const call of [/syscall\(219, 0, -4, 0\)/, /syscall\(280, 0, \$b/, /syscall\(241, \$p/]) {
    assertMatch(arm, call);
  }
  assertMatch(arm, /syscall\(97, 0x10000000\)/);
  assertMatch(arm, /syscall\(40, \$src, \$d, \$fs, 0, 0\)/);
  assertMatch(arm, /syscall\(117, 0x4206, \$kid, 0, 0\)/);
  assertMatch(arm, /syscall\(425, 1, \$u\)/);
  assertMatch(arm, /syscall\(435, \$c, length \$c\)/);
});

Deno.test("every denied call is tried, and each expects EPERM but clone3 ENOSYS", () => {
  const script = deniedCallsScript("x86_64");
  for (const call of DENIED_CALLS) {
    assertMatch(script, new RegExp(`report\\("${call.replace(/[()]/g, "\\$&")}"`));
  }
  assertEquals(
    DENIED_CALLS.filter((call) => EXPECTED_ERRNO[call] !== "EPERM"),
    ["clone3"],
  );
});

Deno.test("perlLine quotes the program for /bin/sh", () => {
  assertMatch(perlLine(`print 'x'`), /^\/usr\/bin\/perl -e 'print '\\''x'\\'''$/);
});

Deno.test({
  name: "the Perl programs compile, and the ptrace one reports on a process of ours",
  ignore: Deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(Deno.build.arch),
  async fn(): Promise<void> {
    const perl = async (args: string[]): Promise<string> => {
      const output = await new Deno.Command("/usr/bin/perl", {
        args,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    };
    // Compiled only: running it on the host would mount and unshare here.
    assertMatch(await perl(["-c", "-e", deniedCallsScript(Deno.build.arch)]), /syntax OK/);
    const child = new Deno.Command("sleep", { args: ["10"] }).spawn();
    try {
      const seized = await perl(["-e", ptraceScript(Deno.build.arch, child.pid)]);
      assertMatch(seized, /^ptrace=(ok|E[A-Z]+ \d+ .+)\n$/);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
});
