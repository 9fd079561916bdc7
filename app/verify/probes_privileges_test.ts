import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  judgeCapabilities,
  judgeDeniedCalls,
  judgeHostIds,
  judgeNoNewPrivs,
  judgeSeccomp,
  judgeWorkspaceOwner,
} from "./probes_privileges.ts";
import { framed, raw } from "./testing.ts";
import type { ScriptResult } from "./types.ts";

const out = framed;

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
    Seccomp_filters: "1",
  };
  return Object.entries({ ...base, ...fields }).map(([k, v]) => `${k}:\t${v}`).join("\n") + "\n";
}

/** What STATUS_SCRIPT prints inside for the same fields. */
function printed(fields: Record<string, string>): ScriptResult {
  const text = status(fields).split("\n").filter((line) => /^(Cap|NoNewPrivs|Seccomp)/.test(line))
    .map((line) => line.replace(/:\t/, "=")).join("\n");
  return framed(`${text}\n`);
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
  const clean = { self: printed({}), init: status({}) };
  assertEquals(judgeCapabilities(clean).verdict, "PASS");
  assertEquals(judgeNoNewPrivs(clean).verdict, "PASS");
  assertEquals(judgeSeccomp(clean), {
    verdict: "PASS",
    evidence: "exec'd process: Seccomp 2 (filter, 1 filter(s)); pid 1: Seccomp 2 (filter, 1 " +
      "filter(s)); a filter is loaded — what it denies is tested by privileges.denied-syscalls",
  });
  assertEquals(judgeCapabilities({ ...clean, self: printed({ CapBnd: "000001ffffffffff" }) }), {
    verdict: "FAIL",
    evidence: "exec'd process: CapBnd 000001ffffffffff",
  });
  assertEquals(judgeSeccomp({ ...clean, init: status({ Seccomp: "0", Seccomp_filters: "0" }) }), {
    verdict: "FAIL",
    evidence: "pid 1: Seccomp 0 (none, 0 filter(s))",
  });
  assertEquals(judgeNoNewPrivs({ self: printed({}), init: null }), {
    verdict: "FAIL",
    evidence: "pid 1: no /proc status",
  });
  assertMatch(
    judgeNoNewPrivs({ self: raw("", 1), init: status({}) }).evidence,
    /printed nothing usable/,
  );
});

Deno.test("status: a forged field inside, or one after the END line, is tampering", () => {
  const self = printed({ CapEff: "000001ffffffffff" });
  const forged = { self: raw(`${self.stdout}CapEff=0000000000000000\n`), init: status({}) };
  assertMatch(judgeCapabilities(forged).evidence, /after the END line/);
  const twice = framed(`CapEff=000001ffffffffff\nCapEff=0000000000000000\n`);
  assertMatch(
    judgeCapabilities({ self: twice, init: status({}) }).evidence,
    /CapEff printed more than once/,
  );
});

Deno.test("denied syscalls: EPERM (clone3: ENOSYS) everywhere passes; else fails", () => {
  const eperm = "keyctl=EPERM 1 Operation not permitted\nbpf=EPERM 1 x\n" +
    "perf_event_open=EPERM 1 x\nuserfaultfd=EPERM 1 x\nptrace=EPERM 1 x\n" +
    "io_uring_setup=EPERM 1 x\nmount=EPERM 1 x\nclone3=ENOSYS 38 Function not implemented\n" +
    "unshare(CLONE_NEWUSER)=EPERM 1 x\n";
  assertEquals(judgeDeniedCalls(out(eperm)), {
    verdict: "PASS",
    evidence: "keyctl: EPERM; bpf: EPERM; perf_event_open: EPERM; userfaultfd: EPERM; " +
      "ptrace: EPERM; io_uring_setup: EPERM; mount: EPERM; clone3: ENOSYS; " +
      "unshare(CLONE_NEWUSER): EPERM",
  });
  const today = eperm.replace("keyctl=EPERM 1 Operation not permitted", "keyctl=ok")
    .replace("unshare(CLONE_NEWUSER)=EPERM 1 x", "unshare(CLONE_NEWUSER)=ENOSPC 28 No space left")
    .replace("clone3=ENOSYS 38 Function not implemented", "clone3=EPERM 1 Operation not permitted");
  assertEquals(judgeDeniedCalls(out(today)), {
    verdict: "FAIL",
    evidence: "keyctl: succeeded; clone3: EPERM (Operation not permitted; ENOSYS expected); " +
      "unshare(CLONE_NEWUSER): ENOSPC (No space left; EPERM expected)",
  });
  assertMatch(
    judgeDeniedCalls(out(eperm.replace(/^io_uring_setup=.*\n/m, ""))).evidence,
    /^io_uring_setup: not tried$/,
  );
  assertMatch(judgeDeniedCalls(raw("", 127)).evidence, /printed nothing usable/);
  assertMatch(judgeDeniedCalls(out("")).evidence, /printed nothing usable/);
  // The red team's forgery: a succeeded call overwritten by a later EPERM line.
  assertMatch(
    judgeDeniedCalls(out(eperm.replace("bpf=EPERM 1 x", "bpf=ok") + "bpf=EPERM 1 x\n")).evidence,
    /^probe output was tampered with: bpf printed more than once/,
  );
});
