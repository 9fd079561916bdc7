/**
 * door: the agent cannot close its own way out. `kill -9 -1` as the agent signals every
 * process it may; afterwards the egress proxy must still answer on 127.0.0.1 and the engine
 * must see nothing wrong with the bottle (a door that only comes back through `apply` is a
 * door the agent can shut).
 */
import { poll } from "../../lib/wait.ts";
import { type DoorSocketObservation, judgeDoorSocket } from "./door_socket.ts";
import { observeDoorSocket } from "./door_socket_host.ts";
import { type OutputSpec, type ProbeOutput, readOutput } from "./output.ts";
import { DOOR_OUTPUT, doorRequestScript, httpStatus } from "./probes_network.ts";
import { allOf, combine } from "./verdict.ts";
import type { Judgement, Probe, ProbeIO, ScriptResult } from "./types.ts";

/**
 * A stand-in agent process (`sleep`) shows the kill reached the agent's processes; `kill`
 * runs in the script's own shell, which kill(-1) spares (a subshell would kill it).
 */
export const KILL_ALL_SCRIPT = [
  'e="/tmp/.bb-verify-kill-$$"; sleep 30 & s=$!',
  "before=$(ls -d /proc/[0-9]* | wc -l)",
  'kill -9 -1 2>"$e"; echo "kill=$?"; wait 2>/dev/null',
  'echo "before=$before"; echo "after=$(ls -d /proc/[0-9]* | wc -l)"',
  'if kill -0 "$s" 2>/dev/null; then echo stand-in=alive; else echo stand-in=killed; fi',
  `printf 'error=%s\\n' "$(sed 's/.*: //' "$e")"; rm -f -- "$e"`,
].join("\n");

export const KILL_ALL_OUTPUT: OutputSpec = {
  once: ["kill", "before", "after", "stand-in", "error"],
};

/** How long the door may take to answer again (a forwarder restarting is not a closed door). */
export const DOOR_GRACE_MS = 2000;

export interface KillAllObservation {
  kill: ScriptResult;
  /** The door's status line after the kill (null: no HTTP answer within the grace period). */
  door: string | null;
  status: { state: "running"; problems: string[] } | { state: "gone"; reason: string };
  drift: string[];
  /** Who holds the door's port inside once it answered again (null: it did not). */
  socket: DoorSocketObservation | null;
}

export function judgeKillAll(observation: KillAllObservation): Judgement {
  const { kill, door, status, drift, socket } = observation;
  const read = readOutput(kill, KILL_ALL_OUTPUT);
  if (!read.ok) return read.judgement;
  const code = read.value.get("kill");
  const standIn = read.value.get("stand-in");
  const problems = status.state === "running" ? status.problems ?? [] : [status.reason];
  const checks = allOf([
    { ok: code !== null && standIn === "killed", evidence: killEvidence(read.value) },
    {
      ok: door !== null,
      evidence: door === null
        ? `the door no longer answers (${DOOR_GRACE_MS} ms)`
        : `the door still answers (${door})`,
    },
    {
      ok: problems.length === 0,
      evidence: status.state === "gone"
        ? `the sandbox is gone: ${status.reason}`
        : problems.length > 0
        ? `the backend reports: ${problems.join("; ")}`
        : "the sandbox is running",
    },
    {
      ok: drift.length === 0,
      evidence: drift.length === 0 ? "drift: none" : `drift: ${drift.join("; ")}`,
    },
  ]);
  return socket === null ? checks : combine(checks, judgeDoorSocket(socket));
}

/** What `kill -9 -1` did, from what the script printed. */
export function killEvidence(kill: ProbeOutput): string {
  const code = kill.get("kill");
  if (code === null) return "kill -9 -1 as the agent: not tried";
  const error = kill.get("error");
  const before = kill.get("before");
  const after = kill.get("after");
  const standIn = kill.get("stand-in");
  return `kill -9 -1 as the agent: ${code === "0" ? "exit 0" : error || `exit ${code}`}` +
    (before && after ? `, ${before} processes before, ${after} after` : "") +
    `, the stand-in agent process ${standIn ?? "not reported"}`;
}

async function doorAnswer(io: ProbeIO): Promise<string | null> {
  const script = doorRequestScript(io.facts.doorPort, io.facts.deniedHost);
  const answer = await poll(async () => {
    // A sandbox that is gone cannot be entered: then there is no door either (and no wait).
    const result = await io.inside(script).catch(() => null);
    if (result === null) return { status: null };
    const read = readOutput(result, DOOR_OUTPUT);
    const status = read.ok ? httpStatus(read.value) : null;
    return status === null ? null : { status };
  }, { timeoutMs: DOOR_GRACE_MS, intervalMs: 200 });
  return answer?.status ?? null;
}

export const DOOR_PROBES: Probe[] = [
  {
    id: "door.survives-kill-all",
    group: "door",
    property: "after `kill -9 -1` inside, the door answers and the engine sees no drift",
    destructive: true,
    run: async (io): Promise<Judgement> => {
      const kill = await io.inside(KILL_ALL_SCRIPT);
      const door = await doorAnswer(io);
      const { backend, handle } = io.target;
      return judgeKillAll({
        kill,
        door,
        status: backend.status(handle),
        drift: await io.engine.drift(),
        socket: door === null ? null : observeDoorSocket(handle, io.facts.doorPort),
      });
    },
  },
];
