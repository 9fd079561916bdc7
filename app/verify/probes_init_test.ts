import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  judgeInitSurvives,
  judgeNotTraceable,
  KILL_INIT_SCRIPT,
  notTraceableScript,
} from "./probes_init.ts";
import { framed, raw } from "./testing.ts";

const survived = (overrides: Record<string, string> = {}): string => {
  const values: Record<string, string> = {
    "start-before": "545015",
    "kill-KILL": "sent",
    "state-after-KILL": "S",
    "kill-STOP": "sent",
    "state-after-STOP": "S",
    "kill-SEGV": "sent",
    "state-after-SEGV": "S",
    flood: "20000",
    "start-after": "545015",
    "state-after": "S",
    alive: "yes",
    comm: "bottle-init",
    ...overrides,
  };
  return Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join("");
};
const host = { innerPid: 99, innerAlive: true, status: "running" as const };

Deno.test("init-survives-kill: ignored signals, the flood, the same pid 1 everywhere passes", () => {
  assertEquals(judgeInitSurvives({ result: framed(survived()), ...host }), {
    verdict: "PASS",
    evidence: "kill -KILL 1: sent, then pid 1 is in state S; kill -STOP 1: sent, then pid 1 is " +
      "in state S; kill -SEGV 1: sent, then pid 1 is in state S; 20000 SIGCHLD sent to pid 1 " +
      "from 4 processes (at most 20000 within 5 s); pid 1 (bottle-init) is the same process " +
      "after (start time 545015, state S); host pid 99 is still the pid 1 the handle records; " +
      "the backend reports the sandbox running",
  });
  const refused = survived({ "kill-KILL": "EPERM 1 Operation not permitted" });
  assertEquals(judgeInitSurvives({ result: framed(refused), ...host }).verdict, "PASS");
});

Deno.test("init-survives-kill: stopped, replaced or gone fails", () => {
  const stopped = judgeInitSurvives({
    result: framed(survived({ "state-after-STOP": "T", "state-after": "T" })),
    ...host,
  });
  assertEquals(stopped.verdict, "FAIL");
  assertMatch(stopped.evidence, /^kill -STOP 1: sent, then pid 1 is stopped/);
  // A new pid 1 (the sandbox re-made behind the probe's back) has another start time.
  const replaced = judgeInitSurvives({ result: framed(survived({ "start-after": "9" })), ...host });
  assertMatch(replaced.evidence, /start time was 545015, is 9: not the same process/);
  const gone = judgeInitSurvives({
    result: framed(survived()),
    innerPid: 99,
    innerAlive: false,
    status: "gone",
  });
  assertEquals(gone, {
    verdict: "FAIL",
    evidence: "pid 1 (host pid 99) is gone or replaced; the backend reports the sandbox gone",
  });
  // pid 1 died mid-script (the flood overran it): the whole pid namespace went with it.
  const cut = raw("BEGIN 0123456789abcdef0123456789abcdef\nstart-before=1\n", 137);
  assertEquals(
    judgeInitSurvives({ result: cut, innerPid: 99, innerAlive: false, status: "gone" }),
    {
      verdict: "FAIL",
      evidence: "the probe script did not finish (exit 137); pid 1 (host pid 99) is gone or " +
        "replaced; the backend reports the sandbox gone",
    },
  );
});

Deno.test("init-survives-kill: forged lines are tampering", () => {
  const forged = framed(survived({ "state-after-STOP": "T" }) + "state-after-STOP=S\n");
  assertMatch(
    judgeInitSurvives({ result: forged, ...host }).evidence,
    /^probe output was tampered with: state-after-STOP printed more than once/,
  );
});

const traced = (ptrace: string, environ: string, mem: string): string =>
  `ptrace=${ptrace}\nopen-environ=${environ}\nopen-mem=${mem}\n`;
const EACCES = "EACCES 13 Permission denied";

Deno.test("init-not-traceable: ptrace refused and pid 1's files closed (EACCES) passes", () => {
  assertEquals(
    judgeNotTraceable(framed(traced("EPERM 1 Operation not permitted", EACCES, EACCES))),
    {
      verdict: "PASS",
      evidence: "PTRACE_SEIZE of pid 1: EPERM (Operation not permitted); open /proc/1/environ: " +
        "EACCES (pid 1 is not dumpable); open /proc/1/mem: EACCES (pid 1 is not dumpable)",
    },
  );
});

Deno.test("init-not-traceable: a dumpable pid 1 fails even though seccomp refuses ptrace", () => {
  const dumpable = judgeNotTraceable(framed(traced("EPERM 1 Operation not permitted", "ok", "ok")));
  assertEquals(dumpable, {
    verdict: "FAIL",
    evidence: "open /proc/1/environ: opened (EACCES expected); " +
      "open /proc/1/mem: opened (EACCES expected)",
  });
  assertEquals(judgeNotTraceable(framed(traced("ok", EACCES, EACCES))), {
    verdict: "FAIL",
    evidence: "PTRACE_SEIZE of pid 1 succeeded",
  });
  assertMatch(
    judgeNotTraceable(framed(traced("EPERM 1 x", "ENOENT 2 No such file", EACCES))).evidence,
    /open \/proc\/1\/environ: ENOENT \(EACCES expected\)/,
  );
  assertEquals(judgeNotTraceable(raw("", 127)).verdict, "FAIL");
  assertMatch(
    judgeNotTraceable(
      raw(framed(traced("ok", "ok", "ok")).stdout + traced("EPERM 1 x", EACCES, EACCES)),
    ).evidence,
    /after the END line/,
  );
});

Deno.test({
  name: "the pid 1 programs compile (never run here: they would signal the host's init)",
  ignore: Deno.build.os !== "linux" || !["x86_64", "aarch64"].includes(Deno.build.arch),
  async fn(): Promise<void> {
    for (const script of [KILL_INIT_SCRIPT, notTraceableScript(Deno.build.arch)]) {
      const checked = script.replace(/^\/usr\/bin\/perl -e /, "/usr/bin/perl -c -e ");
      const output = await new Deno.Command("/bin/sh", { args: ["-c", checked], stderr: "piped" })
        .output();
      assertMatch(new TextDecoder().decode(output.stderr), /syntax OK/);
    }
  },
});
