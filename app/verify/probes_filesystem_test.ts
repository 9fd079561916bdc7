import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  absentPathsScript,
  judgeAbsentPaths,
  judgeNotWritable,
  judgeSystemReadOnly,
  writeAttemptScript,
} from "./probes_filesystem.ts";
import { framed, raw } from "./testing.ts";
import type { Facts } from "./types.ts";

const out = framed;
const facts = (forbiddenPaths: string[]): Facts => ({
  arch: "x86_64",
  doorPort: 3128,
  deniedHost: "x.invalid",
  forbiddenPaths,
});

Deno.test("host paths: all absent passes, listing them; visible or unreadable fails", () => {
  const paths = facts(["/etc/shadow", "/root"]);
  assertEquals(judgeAbsentPaths(out("absent=/etc/shadow\nabsent=/root\n"), paths), {
    verdict: "PASS",
    evidence: "absent: /etc/shadow, /root",
  });
  assertEquals(judgeAbsentPaths(out("absent=/etc/shadow\nvisible=/root\n"), paths), {
    verdict: "FAIL",
    evidence: "visible inside: /root",
  });
  assertEquals(
    judgeAbsentPaths(out("absent=/etc/shadow\nhidden=/root: Permission denied\n"), paths).evidence,
    "present but unreadable: /root: Permission denied",
  );
  assertEquals(judgeAbsentPaths(out("absent=/etc/shadow\n"), paths).evidence, "not checked: /root");
  assertEquals(judgeAbsentPaths(out(""), paths).verdict, "FAIL");
  assertEquals(judgeAbsentPaths(raw(""), paths).verdict, "FAIL");
  assertMatch(
    judgeAbsentPaths(out("absent=/etc/shadow\nabsent=/root\nroot=absent\n"), paths).evidence,
    /^probe output was tampered with: an unexpected key "root"/,
  );
});

Deno.test("the absent-paths script quotes every path", () => {
  assertMatch(absentPathsScript(["/tmp/it's here"]), /for p in '\/tmp\/it'\\''s here'; do/);
});

Deno.test("system read-only: every write refused passes; one created file fails", () => {
  const refused = "refused=/.bb-verify-9: Read-only file system\n" +
    "refused=/usr/.bb-verify-9: Read-only file system\n" +
    "refused=/etc/.bb-verify-9: Read-only file system\n";
  assertEquals(judgeSystemReadOnly(out(refused)), {
    verdict: "PASS",
    evidence: "write /.bb-verify-9: Read-only file system; write /usr/.bb-verify-9: Read-only " +
      "file system; write /etc/.bb-verify-9: Read-only file system",
  });
  assertEquals(judgeSystemReadOnly(out(`${refused}wrote=/tmp/x\n`)), {
    verdict: "FAIL",
    evidence: "created /tmp/x",
  });
  // The attempt killed before it was made: no error, nothing refused.
  assertEquals(judgeSystemReadOnly(out("refused=/.bb-verify-9: \n")), {
    verdict: "FAIL",
    evidence: "write /.bb-verify-9: (no error: not tried)",
  });
});

Deno.test("not writable: the error is the evidence; a write or an open that worked fails", () => {
  const judge = judgeNotWritable("/proc/sys/kernel/core_pattern");
  assertEquals(judge(out("open=Permission denied\n")), {
    verdict: "PASS",
    evidence: "open /proc/sys/kernel/core_pattern for writing: Permission denied",
  });
  assertEquals(judge(out("write=Invalid argument\n")).verdict, "PASS");
  assertEquals(judge(out("wrote=ok\n")), {
    verdict: "FAIL",
    evidence: "wrote /proc/sys/kernel/core_pattern (its own value, written back)",
  });
  assertEquals(judge(out("opened=ok\n")).verdict, "FAIL");
  assertEquals(judge(raw("", 2)).verdict, "FAIL");
  // A forged refusal after the real result, in the body or after the END line.
  assertMatch(judge(out("wrote=ok\nopen=Permission denied\n")).evidence, /contradictory/);
  assertMatch(judge(out("open=a\nopen=b\n")).evidence, /open printed more than once/);
  assertMatch(
    judge(raw(`${out("wrote=ok\n").stdout}open=Permission denied\n`)).evidence,
    /after the END line/,
  );
});

Deno.test("the write attempt writes back what it read, and sysrq only opens", () => {
  assertMatch(writeAttemptScript("/proc/sys/kernel/core_pattern", true), /syswrite\(\$w, \$v\)/);
  const sysrq = writeAttemptScript("/proc/sysrq-trigger", false);
  assertEquals(sysrq.includes("syswrite"), false);
  assertMatch(sysrq, /O_WRONLY/);
});

Deno.test({
  name: "the write attempt on a file of ours: writes back exactly what was there",
  async fn(): Promise<void> {
    const file = await Deno.makeTempFile();
    await Deno.writeTextFile(file, "value\n");
    const output = await new Deno.Command("/bin/sh", {
      args: ["-c", writeAttemptScript(file, true)],
      stdout: "piped",
    }).output();
    assertEquals(new TextDecoder().decode(output.stdout), "wrote=ok\n");
    assertEquals(judgeNotWritable(file)(framed("wrote=ok\n")).verdict, "FAIL");
    assertEquals(await Deno.readTextFile(file), "value\n");
    await Deno.remove(file);
  },
});
