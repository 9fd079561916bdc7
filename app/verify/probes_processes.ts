/**
 * processes: the bottle sees only its own processes, its pid 1 cannot be killed or traced
 * from inside (probes_init.ts).
 */
import { startMarker } from "./host.ts";
import { type OutputSpec, readOutput } from "./output.ts";
import { INIT_PROBES } from "./probes_init.ts";
import { perlLine } from "./syscalls.ts";
import { fail, noOutput, pass } from "./verdict.ts";
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

export const SCAN_OUTPUT: OutputSpec = { once: ["visible", "pids", "marker"] };

export interface InvisibleObservation {
  result: ScriptResult;
  /** Host pid of the marker process. */
  markerPid: number;
}

export function judgeHostInvisible(observation: InvisibleObservation): Judgement {
  const { result, markerPid } = observation;
  const read = readOutput(result, SCAN_OUTPUT);
  if (!read.ok) return read.judgement;
  const marker = read.value.get("marker");
  const visible = read.value.get("visible");
  if (marker === null || visible === null) return fail(noOutput(result));
  if (marker !== "none") {
    return fail(`a host process (host pid ${markerPid}) is visible inside as pid ${marker}`);
  }
  return pass(
    `${visible} processes visible inside (pids ${read.value.get("pids")}); ` +
      `a marker process on the host (host pid ${markerPid}) is not among them`,
  );
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
  ...INIT_PROBES,
];
