import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  judgeCapabilities,
  judgeDeniedCalls,
  judgeHostIds,
  judgeNoNewPrivs,
  judgeSeccomp,
  judgeWorkspaceOwner,
} from "./probes_privileges.ts";
import type { ScriptResult } from "./types.ts";

const out = (stdout: string, code = 0): ScriptResult => ({ code, stdout, stderr: "", ms: 10 });

function status(fields: Record<string, string>): string {
  const base: Record<string, string> = {
    Name: "sh",
    Uid: "995\t995\t995\t995",
    Gid: "994\t994\t994\t994",
    CapInh: "0000000000000000",
    CapPrm: "0000000000000000",
    CapEff: "0000000000000000",
    CapBnd: "0000000000000000",
    CapAmb: "0000000000000000",
    NoNewPrivs: "1",
    Seccomp: "2",
  };
  return Object.entries({ ...base, ...fields }).map(([k, v]) => `${k}:\t${v}`).join("\n") + "\n";
}

Deno.test("workspace owner: a non-root host owner passes, root fails", () => {
  const made = { file: "/workspace/.x", error: "" };
  assertEquals(judgeWorkspaceOwner({ ...made, uid: 995, uidName: "uid 995 (bot-bottle)" }), {
    verdict: "PASS",
    evidence: "/workspace/.x, made by the agent, is owned on the host by uid 995 (bot-bottle)",
  });
  assertEquals(judgeWorkspaceOwner({ ...made, uid: 0, uidName: "uid 0 (root)" }).verdict, "FAIL");
  assertMatch(
    judgeWorkspaceOwner({ file: null, uid: null, uidName: "", error: "Read-only" }).evidence,
    /could not create a file in \/workspace: Read-only/,
  );
});

Deno.test("host ids: any root uid or gid fails and is shown first", () => {
  const describe = (uid: number): string => `uid ${uid}`;
  const agent = { pid: 10, label: "pid 1", uids: [995, 995, 995, 995], gids: [994, 994, 994, 994] };
  assertEquals(judgeHostIds([agent], describe), {
    verdict: "PASS",
    evidence: "1 process(es) of the sandbox, none root on the host: pid 1 (host pid 10): " +
      "uid 995, gid 994",
  });
  const root = { pid: 11, label: "sh", uids: [0, 0, 0, 0], gids: [0, 0, 0, 0] };
  assertEquals(judgeHostIds([agent, root], describe), {
    verdict: "FAIL",
    evidence: "1 of 2 process(es) run as root on the host: sh (host pid 11): uid 0, gid 0",
  });
  assertEquals(judgeHostIds([], describe).verdict, "FAIL");
});

Deno.test("capabilities, no_new_privs and seccomp are judged in both processes", () => {
  const clean = { self: status({}), init: status({}) };
  assertEquals(judgeCapabilities(clean).verdict, "PASS");
  assertEquals(judgeNoNewPrivs(clean).verdict, "PASS");
  assertEquals(judgeSeccomp(clean), {
    verdict: "PASS",
    evidence: "exec'd process: Seccomp 2 (filter); pid 1: Seccomp 2 (filter)",
  });
  assertEquals(judgeCapabilities({ ...clean, self: status({ CapBnd: "000001ffffffffff" }) }), {
    verdict: "FAIL",
    evidence: "exec'd process: CapBnd 000001ffffffffff",
  });
  assertEquals(judgeSeccomp({ ...clean, init: status({ Seccomp: "0" }) }), {
    verdict: "FAIL",
    evidence: "pid 1: Seccomp 0 (none)",
  });
  assertEquals(judgeNoNewPrivs({ self: null, init: status({}) }), {
    verdict: "FAIL",
    evidence: "exec'd process: no /proc status",
  });
});

Deno.test("denied syscalls: EPERM everywhere passes; success or another errno fails", () => {
  const eperm = "keyctl=EPERM 1 Operation not permitted\nbpf=EPERM 1 x\n" +
    "perf_event_open=EPERM 1 x\nuserfaultfd=EPERM 1 x\nmount=EPERM 1 x\n" +
    "unshare(CLONE_NEWUSER)=EPERM 1 x\n";
  assertEquals(judgeDeniedCalls(out(eperm)), {
    verdict: "PASS",
    evidence: "keyctl: EPERM; bpf: EPERM; perf_event_open: EPERM; userfaultfd: EPERM; " +
      "mount: EPERM; unshare(CLONE_NEWUSER): EPERM",
  });
  const today = eperm.replace("keyctl=EPERM 1 Operation not permitted", "keyctl=ok")
    .replace("unshare(CLONE_NEWUSER)=EPERM 1 x", "unshare(CLONE_NEWUSER)=ENOSPC 28 No space left");
  assertEquals(judgeDeniedCalls(out(today)), {
    verdict: "FAIL",
    evidence: "keyctl: succeeded; unshare(CLONE_NEWUSER): ENOSPC (No space left)",
  });
  assertMatch(judgeDeniedCalls(out("", 127)).evidence, /printed nothing usable/);
});
