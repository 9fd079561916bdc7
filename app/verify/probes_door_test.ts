import { assertEquals, assertMatch } from "../../tests/assert.ts";
import type { DoorSocketObservation } from "./door_socket.ts";
import { judgeKillAll, KILL_ALL_SCRIPT } from "./probes_door.ts";
import { framed, raw } from "./testing.ts";

const killed = framed("kill=0\nbefore=6\nafter=5\nstand-in=killed\nerror=\n");
const running = { state: "running" as const, problems: [] };
const doorSocket: DoorSocketObservation = {
  port: 3128,
  keeper: { pid: 500, alive: true },
  sockets: [{ table: "tcp", address: "0100007F", port: 3128, inode: 7 }],
  holders: new Map([[7, [{ pid: 503, name: "socat", place: "door" }]]]),
};
const base = { kill: killed, door: "HTTP/1.1 403 Forbidden", status: running, drift: [] };

Deno.test("kill-all: door answers on its own socket, running, no drift passes", () => {
  assertEquals(judgeKillAll({ ...base, socket: doorSocket }), {
    verdict: "PASS",
    evidence: "kill -9 -1 as the agent: exit 0, 6 processes before, 5 after, the stand-in " +
      "agent process killed; the door still answers (HTTP/1.1 403 Forbidden); the sandbox is " +
      "running; drift: none; 127.0.0.1:3128 inside: socket 7 (tcp 0100007F:3128) is held by " +
      "socat (host pid 503) in the door keeper's session (host pid 500), outside the sandbox",
  });
});

Deno.test("kill-all: an answer from a socket held inside is not the door's", () => {
  const squatted = judgeKillAll({
    ...base,
    socket: {
      ...doorSocket,
      holders: new Map([[7, [{ pid: 900, name: "sh", place: "sandbox" }]]]),
    },
  });
  assertEquals(squatted.verdict, "FAIL");
  assertMatch(squatted.evidence, /held inside the sandbox by sh \(host pid 900\)$/);
});

Deno.test("kill-all: a dead door, problems, a gone sandbox or drift fail", () => {
  const dead = judgeKillAll({
    kill: killed,
    door: null,
    status: { state: "running", problems: ["the door's forwarders are not running"] },
    drift: ["sandbox.b: the door's forwarders are not running"],
    socket: null,
  });
  assertEquals(dead.verdict, "FAIL");
  assertMatch(dead.evidence, /^the door no longer answers \(2000 ms\); the backend reports: /);
  const gone = judgeKillAll({
    kill: killed,
    door: null,
    status: { state: "gone", reason: "bwrap (pid 7) has exited" },
    drift: [],
    socket: null,
  });
  assertMatch(gone.evidence, /the sandbox is gone: bwrap \(pid 7\) has exited/);
});

Deno.test("kill-all: a kill that did not reach the stand-in proves nothing: FAIL", () => {
  const missed = framed("kill=1\nbefore=3\nafter=3\nstand-in=alive\nerror=No such process\n");
  const judged = judgeKillAll({ ...base, kill: missed, socket: doorSocket });
  assertEquals(judged.verdict, "FAIL");
  assertMatch(
    judged.evidence,
    /No such process, 3 processes before, 3 after, the stand-in agent process alive/,
  );
});

Deno.test("kill-all: a forged stand-in line, or a script cut short, is no evidence", () => {
  const forged = framed("kill=1\nbefore=3\nafter=3\nstand-in=alive\nerror=x\nstand-in=killed\n");
  assertMatch(
    judgeKillAll({ ...base, kill: forged, socket: doorSocket }).evidence,
    /^probe output was tampered with: stand-in printed more than once/,
  );
  const appended = raw(`${framed("kill=0\n").stdout}stand-in=killed\n`);
  assertMatch(
    judgeKillAll({ ...base, kill: appended, socket: doorSocket }).evidence,
    /after the END line/,
  );
  const cut = raw("BEGIN 0123456789abcdef0123456789abcdef\nkill=0\n", 137);
  assertMatch(
    judgeKillAll({ ...base, kill: cut, socket: doorSocket }).evidence,
    /did not finish \(exit 137\)/,
  );
});

Deno.test("the kill runs in the reporting shell itself, not a subshell", () => {
  assertMatch(KILL_ALL_SCRIPT, /^kill -9 -1 2>"\$e"; echo "kill=\$\?"/m);
});
