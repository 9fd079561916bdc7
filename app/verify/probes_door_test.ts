import { assertEquals, assertMatch } from "../../tests/assert.ts";
import { judgeKillAll, KILL_ALL_SCRIPT } from "./probes_door.ts";
import type { ScriptResult } from "./types.ts";

const out = (stdout: string, code = 0): ScriptResult => ({ code, stdout, stderr: "", ms: 10 });
const killed = out("kill=0\nbefore=6\nafter=5\nstand-in=killed\nerror=\n");
const running = { state: "running" as const, problems: [] };

Deno.test("kill-all: door answers, running, no drift passes", () => {
  assertEquals(
    judgeKillAll({ kill: killed, door: "HTTP/1.1 403 Forbidden", status: running, drift: [] }),
    {
      verdict: "PASS",
      evidence: "kill -9 -1 as the agent: exit 0, 6 processes before, 5 after, the stand-in " +
        "agent process killed; the door still answers (HTTP/1.1 403 Forbidden); the sandbox is " +
        "running; drift: none",
    },
  );
});

Deno.test("kill-all: a dead door, problems, a gone sandbox or drift fail", () => {
  const dead = judgeKillAll({
    kill: killed,
    door: null,
    status: { state: "running", problems: ["the door's forwarders are not running"] },
    drift: ["sandbox.b: the door's forwarders are not running"],
  });
  assertEquals(dead.verdict, "FAIL");
  assertMatch(dead.evidence, /^the door no longer answers \(2000 ms\); the backend reports: /);
  const gone = judgeKillAll({
    kill: out("kill=0\n"),
    door: null,
    status: { state: "gone", reason: "bwrap (pid 7) has exited" },
    drift: [],
  });
  assertMatch(gone.evidence, /the sandbox is gone: bwrap \(pid 7\) has exited/);
});

Deno.test("kill-all: a kill that did not reach the stand-in proves nothing: FAIL", () => {
  const missed = out("kill=1\nbefore=3\nafter=3\nstand-in=alive\nerror=No such process\n");
  const judged = judgeKillAll({ kill: missed, door: "HTTP/1.1 403", status: running, drift: [] });
  assertEquals(judged.verdict, "FAIL");
  assertMatch(
    judged.evidence,
    /No such process, 3 processes before, 3 after, the stand-in agent process alive/,
  );
});

Deno.test("the kill runs in the reporting shell itself, not a subshell", () => {
  assertMatch(KILL_ALL_SCRIPT, /^kill -9 -1 2>"\$e"; echo "kill=\$\?"/m);
});
