import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { judgeProcSysReadOnly, PROC_SYS_SCRIPT } from "./probes_proc_sys.ts";
import { framed, raw } from "./testing.ts";

const EROFS = "open EROFS 30 Read-only file system";
const EACCES = "open EACCES 13 Permission denied";
const lines = (
  shmmax: string,
  msgmax: string,
  mq: string,
  mount: string,
  userns: "own" | "host" = "own",
): string =>
  `/proc/sys/kernel/shmmax=${shmmax}\n/proc/sys/kernel/msgmax=${msgmax}\n` +
  `/proc/sys/fs/mqueue/msg_max=${mq}\nmount=${mount}\nuserns=${userns}\n`;

Deno.test("proc-sys: EROFS from the mount and a ro mount pass", () => {
  assertEquals(judgeProcSysReadOnly(framed(lines(EROFS, EROFS, EROFS, "ro,nosuid,nodev"))), {
    verdict: "PASS",
    evidence: "/proc/sys/kernel/shmmax: open: Read-only file system (EROFS); " +
      "/proc/sys/kernel/msgmax: open: Read-only file system (EROFS); " +
      "/proc/sys/fs/mqueue/msg_max: open: Read-only file system (EROFS); " +
      "/proc/sys mounted ro,nosuid,nodev",
  });
  // One sysctl refused by its owner check still leaves the mount tested by the others.
  assertEquals(
    judgeProcSysReadOnly(framed(lines(EROFS, EROFS, EACCES, "ro"))).verdict,
    "PASS",
  );
});

Deno.test("proc-sys: a write, EACCES everywhere or a writable mount fails", () => {
  const wrote = judgeProcSysReadOnly(framed(lines("wrote", EROFS, EROFS, "ro")));
  assertEquals(wrote.verdict, "FAIL");
  assertMatch(wrote.evidence, /^wrote \/proc\/sys\/kernel\/shmmax \(its own value, written back\)/);
  // The uid check alone refused: nothing about the read-only mount was tested.
  assertMatch(
    judgeProcSysReadOnly(framed(lines(EACCES, EACCES, EACCES, "ro"))).evidence,
    /^no write reached the read-only mount/,
  );
  assertEquals(
    judgeProcSysReadOnly(framed(lines(EROFS, EROFS, EROFS, "rw,nosuid"))),
    { verdict: "FAIL", evidence: "/proc/sys mounted rw,nosuid" },
  );
  assertMatch(
    judgeProcSysReadOnly(framed(lines(EROFS, EROFS, EROFS, "none"))).evidence,
    /no mount of its own/,
  );
  assertMatch(
    judgeProcSysReadOnly(framed("mount=ro\n")).evidence,
    /did not report every sysctl/,
  );
});

Deno.test("proc-sys: without a user namespace EACCES is the refusal, the ro mount still needed", () => {
  assertEquals(
    judgeProcSysReadOnly(framed(lines(EACCES, EACCES, EACCES, "ro,nosuid", "host"))).verdict,
    "PASS",
  );
  assertEquals(
    judgeProcSysReadOnly(framed(lines(EACCES, EACCES, EACCES, "rw,nosuid", "host"))),
    { verdict: "FAIL", evidence: "/proc/sys mounted rw,nosuid" },
  );
  assertEquals(
    judgeProcSysReadOnly(framed(lines("wrote", EACCES, EACCES, "ro", "host"))).verdict,
    "FAIL",
  );
});

Deno.test("proc-sys: forged EROFS lines are tampering", () => {
  const real = lines("wrote", "wrote", "wrote", "rw");
  const forged = lines(EROFS, EROFS, EROFS, "ro");
  assertMatch(
    judgeProcSysReadOnly(framed(real + forged)).evidence,
    /^probe output was tampered with: .* printed more than once/,
  );
  assertMatch(
    judgeProcSysReadOnly(raw(framed(real).stdout + forged)).evidence,
    /after the END line/,
  );
  assertEquals(judgeProcSysReadOnly(raw("", 127)).verdict, "FAIL");
});

Deno.test({
  name: "the proc-sys script compiles (never run here: it would write the host's sysctls)",
  async fn(): Promise<void> {
    const program = PROC_SYS_SCRIPT.replace(/^\/usr\/bin\/perl -e /, "");
    const output = await new Deno.Command("/bin/sh", {
      args: ["-c", `/usr/bin/perl -c -e ${program}`],
      stderr: "piped",
    }).output();
    assertMatch(new TextDecoder().decode(output.stderr), /syntax OK/);
  },
});
