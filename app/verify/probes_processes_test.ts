import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { judgeHostInvisible, SCAN_PROCESSES } from "./probes_processes.ts";
import { framed, raw } from "./testing.ts";

Deno.test("host-invisible: the marker unseen passes with the count; seen fails naming it", () => {
  assertEquals(
    judgeHostInvisible({ result: framed("visible=3\npids=1 7 8\nmarker=none\n"), markerPid: 4242 }),
    {
      verdict: "PASS",
      evidence: "3 processes visible inside (pids 1 7 8); a marker process on the host " +
        "(host pid 4242) is not among them",
    },
  );
  assertEquals(
    judgeHostInvisible({ result: framed("visible=300\npids=…\nmarker=4242\n"), markerPid: 4242 }),
    { verdict: "FAIL", evidence: "a host process (host pid 4242) is visible inside as pid 4242" },
  );
  assertEquals(judgeHostInvisible({ result: framed(""), markerPid: 1 }).verdict, "FAIL");
  assertEquals(judgeHostInvisible({ result: raw(""), markerPid: 1 }).verdict, "FAIL");
});

Deno.test("host-invisible: the forgery the red team wrote is tampering, in or after the frame", () => {
  const real = "visible=300\npids=1 2 3\nmarker=4242\n";
  const forged = "visible=3\npids=FORGED-BY-THE-AGENT\nmarker=none\n";
  for (const result of [framed(real + forged), raw(framed(real).stdout + forged)]) {
    const judged = judgeHostInvisible({ result, markerPid: 4242 });
    assertEquals(judged.verdict, "FAIL");
    assertMatch(judged.evidence, /^probe output was tampered with: /);
  }
});

Deno.test("the process scan takes its marker from the environment, not its command line", () => {
  assertMatch(SCAN_PROCESSES, /\$ENV\{BB_VERIFY_MARK\}/);
});
