/**
 * privileges: nothing inside is a privileged identity on the host, and nothing inside holds a
 * capability, can gain one, or reaches the kernel interfaces a sandbox has no use for.
 */
import { join } from "node:path";
import { describeUid, procStatus, sandboxPids, statusField } from "./host.ts";
import { DENIED_CALLS, deniedCallsScript, perlLine } from "./syscalls.ts";
import { judgeNotWritable, writeAttemptScript } from "./probes_filesystem.ts";
import { allOf, fail, field, noOutput, pass, scripted } from "./verdict.ts";
import type { Judgement, Probe, ProbeIO, ScriptResult } from "./types.ts";

export const CAP_FIELDS = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] as const;
export const SYSCTL = "/proc/sys/kernel/panic";

export interface OwnerObservation {
  /** The file's name inside (`/workspace/…`), or null when the agent could not make it. */
  file: string | null;
  /** Its owner on the host, or null when the host could not see it. */
  uid: number | null;
  uidName: string;
  error: string;
}

export function judgeWorkspaceOwner(observation: OwnerObservation): Judgement {
  const { file, uid, uidName, error } = observation;
  if (file === null) return fail(`the agent could not create a file in /workspace: ${error}`);
  if (uid === null) return fail(`${file} is not in the workspace's host directory: ${error}`);
  const evidence = `${file}, made by the agent, is owned on the host by ${uidName}`;
  return uid === 0 ? fail(evidence) : pass(evidence);
}

/** One process as the host sees it: its `Uid:`/`Gid:` lines (real, effective, saved, fs). */
export interface HostIdentity {
  pid: number;
  /** `pid 1` for the sandbox's init, else `pid N` (host). */
  label: string;
  uids: number[];
  gids: number[];
}

export function judgeHostIds(
  processes: HostIdentity[],
  describe: (uid: number) => string,
): Judgement {
  if (processes.length === 0) return fail("no process of the sandbox is visible on the host");
  const root = processes.filter((p) => p.uids.includes(0) || p.gids.includes(0));
  const listed = root.length > 0 ? root : processes;
  const shown =
    listed.slice(0, 4).map((p) =>
      `${p.label} (host pid ${p.pid}): ${describe(p.uids[0])}, gid ${
        [...new Set(p.gids)].join("/")
      }`
    ).join("; ") + (listed.length > 4 ? ` (+${listed.length - 4} more)` : "");
  return root.length > 0
    ? fail(`${root.length} of ${processes.length} process(es) run as root on the host: ${shown}`)
    : pass(`${processes.length} process(es) of the sandbox, none root on the host: ${shown}`);
}

function idsOf(status: string, name: "Uid" | "Gid"): number[] {
  return (statusField(status, name) ?? "").split(" ").filter(Boolean).map(Number);
}

/** `/proc/PID/status` of an exec'd process (`self`) and of the sandbox's pid 1 (`init`). */
export interface StatusPair {
  self: string | null;
  init: string | null;
}

/** One check over both processes' status fields. */
function eachProcess(
  pair: StatusPair,
  check: (status: string, who: string) => { ok: boolean; evidence: string },
): Judgement {
  const checks = (["self", "init"] as const).map((key) => {
    const who = key === "self" ? "exec'd process" : "pid 1";
    const status = pair[key];
    if (status === null) return { ok: false, evidence: `${who}: no /proc status` };
    return check(status, who);
  });
  return allOf(checks);
}

export function judgeCapabilities(pair: StatusPair): Judgement {
  return eachProcess(pair, (status, who) => {
    const set = CAP_FIELDS.filter((name) => !/^0+$/.test(statusField(status, name) ?? "x"));
    return set.length === 0 ? { ok: true, evidence: `${who}: ${CAP_FIELDS.join(" ")} all 0` } : {
      ok: false,
      evidence: `${who}: ${set.map((name) => `${name} ${statusField(status, name)}`).join(", ")}`,
    };
  });
}

export function judgeNoNewPrivs(pair: StatusPair): Judgement {
  return eachProcess(pair, (status, who) => {
    const value = statusField(status, "NoNewPrivs");
    return { ok: value === "1", evidence: `${who}: NoNewPrivs ${value}` };
  });
}

export function judgeSeccomp(pair: StatusPair): Judgement {
  return eachProcess(pair, (status, who) => {
    const value = statusField(status, "Seccomp");
    const mode = value === "2" ? "filter" : value === "1" ? "strict" : "none";
    return { ok: value === "2", evidence: `${who}: Seccomp ${value} (${mode})` };
  });
}

export function judgeDeniedCalls(result: ScriptResult): Judgement {
  const checks = DENIED_CALLS.map((name) => {
    const value = field(result.stdout, name);
    if (value === null) return { ok: false, evidence: `${name}: not tried` };
    if (value === "ok") return { ok: false, evidence: `${name}: succeeded` };
    const [errno, , ...message] = value.split(" ");
    return {
      ok: errno === "EPERM",
      evidence: `${name}: ${errno}${errno === "EPERM" ? "" : ` (${message.join(" ")})`}`,
    };
  });
  if (checks.every((check) => check.evidence.endsWith("not tried"))) return fail(noOutput(result));
  return allOf(checks);
}

async function statusPair(io: ProbeIO): Promise<StatusPair> {
  const result = await io.inside("cat /proc/self/status");
  return {
    self: result.stdout.includes("CapEff:") ? result.stdout : null,
    init: procStatus(io.target.handle.inner.pid),
  };
}

function statusProbe(id: string, property: string, judge: (pair: StatusPair) => Judgement): Probe {
  return {
    id,
    group: "privileges",
    property,
    run: async (io): Promise<Judgement> => judge(await statusPair(io)),
  };
}

async function observeOwner(io: ProbeIO): Promise<OwnerObservation> {
  const name = `.bb-verify-owner-${crypto.randomUUID().slice(0, 8)}`;
  const result = await io.inside(`: > /workspace/${name} && echo made=yes`);
  if (field(result.stdout, "made") !== "yes") {
    return { file: null, uid: null, uidName: "", error: result.stderr.trim() };
  }
  const host = join(io.target.spec.workspaceDir, name);
  try {
    const uid = Deno.lstatSync(host).uid ?? null;
    return {
      file: `/workspace/${name}`,
      uid,
      uidName: uid === null ? "?" : describeUid(uid),
      error: "",
    };
  } catch (error) {
    return { file: `/workspace/${name}`, uid: null, uidName: "", error: String(error) };
  } finally {
    await io.inside(`rm -f /workspace/${name}`);
  }
}

/** The sandbox's processes on the host, while an exec'd `sleep` runs beside its pid 1. */
async function observeHostIds(io: ProbeIO): Promise<HostIdentity[]> {
  const sleeping = io.inside("sleep 1");
  await new Promise((resolve) => setTimeout(resolve, 400));
  const inner = io.target.handle.inner.pid;
  const processes: HostIdentity[] = [];
  for (const pid of sandboxPids(inner)) {
    const status = procStatus(pid);
    if (status === null) continue;
    processes.push({
      pid,
      label: pid === inner ? "pid 1" : statusField(status, "Name") ?? "process",
      uids: idsOf(status, "Uid"),
      gids: idsOf(status, "Gid"),
    });
  }
  await sleeping;
  return processes;
}

export const PRIVILEGE_PROBES: Probe[] = [
  {
    id: "privileges.workspace-owner",
    group: "privileges",
    property: "a file the agent creates is not owned by root on the host",
    run: async (io): Promise<Judgement> => judgeWorkspaceOwner(await observeOwner(io)),
  },
  {
    id: "privileges.host-uid",
    group: "privileges",
    property: "the sandbox's processes are not root on the host",
    run: async (io): Promise<Judgement> => judgeHostIds(await observeHostIds(io), describeUid),
  },
  statusProbe(
    "privileges.no-capabilities",
    "no capability in an exec'd process or pid 1",
    judgeCapabilities,
  ),
  statusProbe(
    "privileges.no-new-privs",
    "no_new_privs in an exec'd process and pid 1",
    judgeNoNewPrivs,
  ),
  statusProbe(
    "privileges.seccomp",
    "a seccomp filter on an exec'd process and pid 1",
    judgeSeccomp,
  ),
  scripted(
    {
      id: "privileges.denied-syscalls",
      group: "privileges",
      property: "keyctl, bpf, perf_event_open, userfaultfd, mount, unshare(CLONE_NEWUSER): EPERM",
    },
    (facts) => perlLine(deniedCallsScript(facts.arch)),
    judgeDeniedCalls,
  ),
  scripted(
    { id: "privileges.sysctl-write", group: "privileges", property: "a sysctl write fails" },
    () => writeAttemptScript(SYSCTL, true),
    judgeNotWritable(SYSCTL),
  ),
];
