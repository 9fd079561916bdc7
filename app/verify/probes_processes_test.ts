import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  judgeHostInvisible,
  judgeInitSurvives,
  judgeNotTraceable,
  SCAN_PROCESSES,
} from "./probes_processes.ts";
import type { ScriptResult } from "./types.ts";

const out = (stdout: string, code = 0): ScriptResult => ({ code, stdout, stderr: "", ms: 10 });

Deno.test("host-invisible: the marker unseen passes with the count; seen fails naming it", () => {
  assertEquals(
    judgeHostInvisible({ result: out("visible=3\npids=1 7 8\nmarker=none\n"), markerPid: 4242 }),
    {
      verdict: "PASS",
      evidence: "3 processes visible inside (pids 1 7 8); a marker process on the host " +
        "(host pid 4242) is not among them",
    },
  );
  assertEquals(
    judgeHostInvisible({ result: out("visible=300\npids=…\nmarker=4242\n"), markerPid: 4242 }),
    { verdict: "FAIL", evidence: "a host process (host pid 4242) is visible inside as pid 4242" },
  );
  assertEquals(judgeHostInvisible({ result: out(""), markerPid: 1 }).verdict, "FAIL");
});

Deno.test("the process scan takes its marker from the environment, not its command line", () => {
  assertMatch(SCAN_PROCESSES, /\$ENV\{BB_VERIFY_MARK\}/);
});

Deno.test("init-survives-kill: alive inside and on the host, and running, passes", () => {
  const survived = out("kill=0\nerror=\nalive=yes\ncomm=bottle-init\n");
  assertEquals(
    judgeInitSurvives({ result: survived, innerPid: 99, innerAlive: true, status: "running" }),
    {
      verdict: "PASS",
      evidence: "kill -9 1: exit 0; pid 1 (bottle-init, host pid 99) still running; " +
        "the backend reports the sandbox running",
    },
  );
  assertEquals(
    judgeInitSurvives({ result: survived, innerPid: 99, innerAlive: false, status: "gone" }),
    {
      verdict: "FAIL",
      evidence: "pid 1 (host pid 99) is gone; the backend reports the sandbox gone",
    },
  );
  const refused = out("kill=1\nerror=Operation not permitted\nalive=yes\ncomm=init\n");
  assertMatch(
    judgeInitSurvives({ result: refused, innerPid: 9, innerAlive: true, status: "running" })
      .evidence,
    /^kill -9 1: Operation not permitted;/,
  );
});

Deno.test("init-not-traceable: any errno passes with its name; success fails", () => {
  assertEquals(judgeNotTraceable(out("ptrace=EPERM 1 Operation not permitted\n")), {
    verdict: "PASS",
    evidence: "PTRACE_SEIZE of pid 1: EPERM (Operation not permitted)",
  });
  assertEquals(judgeNotTraceable(out("ptrace=ok\n")), {
    verdict: "FAIL",
    evidence: "PTRACE_SEIZE of pid 1 succeeded",
  });
  assertEquals(judgeNotTraceable(out("", 127)).verdict, "FAIL");
});
