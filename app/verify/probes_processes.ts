/**
 * processes: the bottle sees only its own processes, its pid 1 cannot be killed or traced
 * from inside.
 */
import { isAlive } from "../../lib/process.ts";
import { startMarker } from "./host.ts";
import { perlLine, ptraceScript } from "./syscalls.ts";
import { allOf, fail, field, noOutput, pass, scripted } from "./verdict.ts";
import type { Judgement, Probe, ScriptResult } from "./types.ts";

export const MARKER_ENV = "BB_VERIFY_MARK";

/** Perl: counts /proc's processes and lists those whose command line holds $BB_VERIFY_MARK. */
export const SCAN_PROCESSES = perlLine([
  `my $t = $ENV{${MARKER_ENV}}; my (@pids, @hits);`,
  'for my $d (glob "/proc/[0-9]*") { my ($pid) = $d =~ m{(\\d+)$}; push @pids, $pid;',
  '  open(my $f, "<", "$d/cmdline") or next; local $/; my $c = <$f> // "";',
  "  push @hits, $pid if index($c, $t) >= 0 }",
  'print "visible=", scalar(@pids), "\\npids=@pids\\nmarker=", (@hits ? "@hits" : "none"), "\\n";',
].join("\n"));

export interface InvisibleObservation {
  result: ScriptResult;
  /** Host pid of the marker process. */
  markerPid: number;
}

export function judgeHostInvisible(observation: InvisibleObservation): Judgement {
  const { result, markerPid } = observation;
  const marker = field(result.stdout, "marker");
  const visible = field(result.stdout, "visible");
  if (marker === null || visible === null) return fail(noOutput(result));
  if (marker !== "none") {
    return fail(`a host process (host pid ${markerPid}) is visible inside as pid ${marker}`);
  }
  return pass(
    `${visible} processes visible inside (pids ${field(result.stdout, "pids")}); ` +
      `a marker process on the host (host pid ${markerPid}) is not among them`,
  );
}

export const KILL_INIT_SCRIPT = [
  'err=$(kill -9 1 2>&1); echo "kill=$?"; printf "error=%s\\n" "$err"',
  "sleep 0.3",
  "if kill -0 1 2>/dev/null; then echo alive=yes; else echo alive=no; fi",
  'echo "comm=$(cat /proc/1/comm 2>/dev/null)"',
].join("\n");

export interface KillInitObservation {
  result: ScriptResult;
  innerPid: number;
  /** The sandbox's pid 1, seen from the host after the attempt. */
  innerAlive: boolean;
  /** The backend's view of the sandbox afterwards. */
  status: "running" | "gone";
}

export function judgeInitSurvives(observation: KillInitObservation): Judgement {
  const { result, innerPid, innerAlive, status } = observation;
  const kill = field(result.stdout, "kill");
  const error = field(result.stdout, "error");
  const attempt = kill === null
    ? `kill -9 1: ${noOutput(result)}`
    : `kill -9 1: ${kill === "0" ? "exit 0" : error || `exit ${kill}`}`;
  return allOf([
    { ok: kill !== null, evidence: attempt },
    {
      ok: innerAlive && field(result.stdout, "alive") === "yes",
      evidence: innerAlive
        ? `pid 1 (${field(result.stdout, "comm")}, host pid ${innerPid}) still running`
        : `pid 1 (host pid ${innerPid}) is gone`,
    },
    { ok: status === "running", evidence: `the backend reports the sandbox ${status}` },
  ]);
}

export function judgeNotTraceable(result: ScriptResult): Judgement {
  const ptrace = field(result.stdout, "ptrace");
  if (ptrace === null) return fail(noOutput(result));
  if (ptrace === "ok") return fail("PTRACE_SEIZE of pid 1 succeeded");
  const [name, , ...message] = ptrace.split(" ");
  return pass(`PTRACE_SEIZE of pid 1: ${name} (${message.join(" ")})`);
}

export const PROCESS_PROBES: Probe[] = [
  {
    id: "processes.host-invisible",
    group: "processes",
    property: "host processes are invisible",
    run: async (io): Promise<Judgement> => {
      const token = `bb-verify-marker-${crypto.randomUUID()}`;
      const marker = startMarker(token);
      try {
        const result = await io.inside(SCAN_PROCESSES, { [MARKER_ENV]: token });
        return judgeHostInvisible({ result, markerPid: marker.pid });
      } finally {
        await marker.stop();
      }
    },
  },
  {
    id: "processes.init-survives-kill",
    group: "processes",
    property: "pid 1 survives `kill -9 1` from inside",
    run: async (io): Promise<Judgement> => {
      const { backend, handle } = io.target;
      const result = await io.inside(KILL_INIT_SCRIPT);
      return judgeInitSurvives({
        result,
        innerPid: handle.inner.pid,
        innerAlive: isAlive(handle.inner),
        status: backend.status(handle).state,
      });
    },
  },
  scripted(
    {
      id: "processes.init-not-traceable",
      group: "processes",
      property: "pid 1 cannot be ptraced from inside",
    },
    (facts) => perlLine(ptraceScript(facts.arch, 1)),
    judgeNotTraceable,
  ),
];
