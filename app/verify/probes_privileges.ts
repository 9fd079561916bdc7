/**
 * privileges: nothing inside is a privileged identity on the host, and nothing inside holds a
 * capability, can gain one, or reaches the kernel interfaces a sandbox has no use for.
 */
import { join } from "node:path";
import { sleep } from "../../lib/wait.ts";
import { describeUid, procStatus, sandboxPids, statusField } from "./host.ts";
import { type OutputSpec, type ProbeOutput, readOutput } from "./output.ts";
import { DENIED_CALLS, deniedCallsScript, EXPECTED_ERRNO, perlLine } from "./syscalls.ts";
import { judgeNotWritable, writeAttemptScript } from "./probes_filesystem.ts";
import { allOf, fail, noOutput, pass, scripted } from "./verdict.ts";
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

/** The `/proc/PID/status` fields the status probes read. */
export const STATUS_FIELDS = [...CAP_FIELDS, "NoNewPrivs", "Seccomp", "Seccomp_filters"] as const;

/** sh: an exec'd process's STATUS_FIELDS as `Name=value` lines. */
export const STATUS_SCRIPT = `sed -n -E 's/^(${STATUS_FIELDS.join("|")}):[[:space:]]*/\\1=/p' ` +
  "/proc/self/status";

export const STATUS_OUTPUT: OutputSpec = { once: STATUS_FIELDS };

/**
 * The status of an exec'd process (`self`: what STATUS_SCRIPT printed inside) and of the
 * sandbox's pid 1 (`init`: `/proc/PID/status` as the host reads it, null when it could not).
 */
export interface StatusPair {
  self: ScriptResult;
  init: string | null;
}

type Field = (name: typeof STATUS_FIELDS[number]) => string | null;

/** One check over both processes' status fields; tampered output inside is a FAIL. */
function eachProcess(
  pair: StatusPair,
  check: (field: Field, who: string) => { ok: boolean; evidence: string },
): Judgement {
  const read = readOutput(pair.self, STATUS_OUTPUT);
  if (!read.ok) return read.judgement;
  const self: ProbeOutput = read.value;
  if (self.get("CapEff") === null) return fail(`exec'd process: ${noOutput(pair.self)}`);
  const { init } = pair;
  return allOf([
    check((name) => self.get(name), "exec'd process"),
    init === null
      ? { ok: false, evidence: "pid 1: no /proc status" }
      : check((name) => statusField(init, name), "pid 1"),
  ]);
}

export function judgeCapabilities(pair: StatusPair): Judgement {
  return eachProcess(pair, (field, who) => {
    const set = CAP_FIELDS.filter((name) => !/^0+$/.test(field(name) ?? "x"));
    return set.length === 0 ? { ok: true, evidence: `${who}: ${CAP_FIELDS.join(" ")} all 0` } : {
      ok: false,
      evidence: `${who}: ${set.map((name) => `${name} ${field(name)}`).join(", ")}`,
    };
  });
}

export function judgeNoNewPrivs(pair: StatusPair): Judgement {
  return eachProcess(pair, (field, who) => {
    const value = field("NoNewPrivs");
    return { ok: value === "1", evidence: `${who}: NoNewPrivs ${value}` };
  });
}

/**
 * That a filter is loaded (mode 2, and how many where the kernel says); what the filter
 * denies is privileges.denied-syscalls' to show, and the evidence says so.
 */
export function judgeSeccomp(pair: StatusPair): Judgement {
  const judged = eachProcess(pair, (field, who) => {
    const value = field("Seccomp");
    const filters = field("Seccomp_filters");
    const mode = value === "2" ? "filter" : value === "1" ? "strict" : "none";
    const count = filters === null ? "" : `, ${filters} filter(s)`;
    return {
      ok: value === "2" && filters !== "0",
      evidence: `${who}: Seccomp ${value} (${mode}${count})`,
    };
  });
  return judged.verdict === "PASS"
    ? pass(
      `${judged.evidence}; a filter is loaded — what it denies is tested by ` +
        "privileges.denied-syscalls",
    )
    : judged;
}

export const DENIED_CALLS_OUTPUT: OutputSpec = { once: DENIED_CALLS };

export function judgeDeniedCalls(result: ScriptResult): Judgement {
  const read = readOutput(result, DENIED_CALLS_OUTPUT);
  if (!read.ok) return read.judgement;
  if (read.value.keys().length === 0) return fail(noOutput(result));
  const checks = DENIED_CALLS.map((name) => {
    const value = read.value.get(name);
    if (value === null) return { ok: false, evidence: `${name}: not tried` };
    if (value === "ok") return { ok: false, evidence: `${name}: succeeded` };
    const [errno, , ...message] = value.split(" ");
    const expected = EXPECTED_ERRNO[name];
    return {
      ok: errno === expected,
      evidence: `${name}: ${errno}` +
        (errno === expected ? "" : ` (${message.join(" ")}; ${expected} expected)`),
    };
  });
  return allOf(checks);
}

async function statusPair(io: ProbeIO): Promise<StatusPair> {
  return {
    self: await io.inside(STATUS_SCRIPT),
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
  const read = readOutput(result, { once: ["made"] });
  if (!read.ok) return { file: null, uid: null, uidName: "", error: read.judgement.evidence };
  if (read.value.get("made") !== "yes") {
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
  await sleep(400);
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
    "a seccomp filter is loaded in an exec'd process and pid 1 (what it denies: denied-syscalls)",
    judgeSeccomp,
  ),
  scripted(
    {
      id: "privileges.denied-syscalls",
      group: "privileges",
      property: "keyctl, bpf, perf_event_open, userfaultfd, ptrace, io_uring_setup, mount, " +
        "unshare(CLONE_NEWUSER): EPERM; clone3: ENOSYS",
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
