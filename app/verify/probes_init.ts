/**
 * processes, pid 1: nothing inside can end, stop or replace the sandbox's init, nor look into
 * it. Signals from inside reach a pid namespace's init only when it handles them (it handles
 * SIGCHLD only), and it is non-dumpable, so its /proc files are closed to the agent even
 * where ptrace is not (the seccomp filter already refuses ptrace itself).
 */
import { isAlive } from "../../lib/process.ts";
import { type OutputSpec, readOutput } from "./output.ts";
import { perlLine, ptraceScript } from "./syscalls.ts";
import { allOf, combine, fail, scripted } from "./verdict.ts";
import type { Judgement, Probe, ScriptResult } from "./types.ts";

/** Signals sent to pid 1 one by one, each followed by a look at its state. */
export const INIT_SIGNALS = ["KILL", "STOP", "SEGV"] as const;

/** The SIGCHLD flood: LOOPS processes of EACH signals, all within SECONDS. */
export const FLOOD = { loops: 4, each: 5000, seconds: 5 } as const;

/**
 * Perl: pid 1's start time (field 22 of /proc/1/stat) before; each of INIT_SIGNALS (then
 * SIGCONT, in case a stop took); the SIGCHLD flood; its start time, state and name after.
 */
export const KILL_INIT_SCRIPT = perlLine([
  "use strict; use Errno; use POSIX ();",
  'sub err { my $e = $! + 0; my ($n) = grep { $!{$_} } keys %!; return ($n // "E$e") . " $e $!" }',
  "sub init { open(my $f, '<', '/proc/1/stat') or return ('gone', 'gone'); my $s = <$f> // '';",
  "  $s =~ s/^.*\\) //; my @f = split / /, $s; return ($f[19], $f[0]) }",
  'print "start-before=", (init())[0], "\\n";',
  `for my $sig (${INIT_SIGNALS.map((sig) => `"${sig}"`).join(", ")}) {`,
  '  print "kill-$sig=", (kill($sig, 1) ? "sent" : err()), "\\n";',
  "  select(undef, undef, undef, 0.2);",
  '  print "state-after-$sig=", (init())[1], "\\n" }',
  'kill("CONT", 1);',
  'pipe(my $r, my $w) or die "pipe: $!\\n";',
  `my $deadline = time + ${FLOOD.seconds}; my @kids;`,
  `for (1 .. ${FLOOD.loops}) { my $k = fork(); next unless defined $k;`,
  "  if ($k == 0) { close $r; my $n = 0;",
  `    while ($n < ${FLOOD.each} && time < $deadline) { kill("CHLD", 1) or last; $n++ }`,
  '    syswrite($w, "$n\\n"); POSIX::_exit(0) }',
  "  push @kids, $k }",
  "close $w; my $sent = 0; while (my $line = <$r>) { $sent += $line } waitpid($_, 0) for @kids;",
  'print "flood=$sent\\n";',
  "select(undef, undef, undef, 0.3);",
  "my ($start, $state) = init();",
  'print "start-after=$start\\nstate-after=$state\\n";',
  'print "alive=", (kill(0, 1) ? "yes" : "no"), "\\n";',
  'my $comm = ""; if (open(my $c, "<", "/proc/1/comm")) { $comm = <$c> // ""; chomp $comm }',
  'print "comm=$comm\\n";',
].join("\n"));

export const KILL_INIT_OUTPUT: OutputSpec = {
  once: [
    "start-before",
    ...INIT_SIGNALS.flatMap((sig) => [`kill-${sig}`, `state-after-${sig}`]),
    "flood",
    "start-after",
    "state-after",
    "alive",
    "comm",
  ],
};

export interface KillInitObservation {
  result: ScriptResult;
  innerPid: number;
  /** The sandbox's pid 1 seen from the host afterwards: the same pid and start time. */
  innerAlive: boolean;
  /** The backend's view of the sandbox afterwards. */
  status: "running" | "gone";
}

/** `sent`, or `EPERM 1 Operation not permitted` → `EPERM`. */
function signalOutcome(value: string | null): string {
  return value === null ? "not tried" : value.split(" ")[0];
}

const stopped = (state: string | null): boolean => state === "T" || state === "t";

/**
 * The host's view (pid 1 still the process the handle records, the sandbox running) is judged
 * whatever the script printed: when pid 1 dies mid-script its whole namespace goes, the
 * script's output with it.
 */
export function judgeInitSurvives(observation: KillInitObservation): Judgement {
  const { result, innerPid, innerAlive, status } = observation;
  const host = allOf([
    {
      ok: innerAlive,
      evidence: innerAlive
        ? `host pid ${innerPid} is still the pid 1 the handle records`
        : `pid 1 (host pid ${innerPid}) is gone or replaced`,
    },
    { ok: status === "running", evidence: `the backend reports the sandbox ${status}` },
  ]);
  const read = readOutput(result, KILL_INIT_OUTPUT);
  if (!read.ok) return combine(read.judgement, host);
  const out = read.value;
  const before = out.get("start-before");
  const after = out.get("start-after");
  const flood = out.get("flood");
  const signals = INIT_SIGNALS.map((sig) => ({
    sig,
    outcome: signalOutcome(out.get(`kill-${sig}`)),
    state: out.get(`state-after-${sig}`),
  }));
  const same = before !== null && before !== "gone" && before === after;
  const inside = allOf([
    ...signals.map(({ sig, outcome, state }) => ({
      ok: outcome !== "not tried" && state !== null && state !== "gone" && !stopped(state),
      evidence: `kill -${sig} 1: ${outcome}, then pid 1 is ${
        state === null || state === "gone"
          ? "gone"
          : stopped(state)
          ? "stopped"
          : `in state ${state}`
      }`,
    })),
    {
      ok: flood !== null,
      evidence: flood === null
        ? "the SIGCHLD flood did not run"
        : `${flood} SIGCHLD sent to pid 1 from ${FLOOD.loops} processes (at most ` +
          `${FLOOD.loops * FLOOD.each} within ${FLOOD.seconds} s)`,
    },
    {
      ok: same && !stopped(out.get("state-after")) && out.get("alive") === "yes",
      evidence: same
        ? `pid 1 (${out.get("comm")}) is the same process after (start time ${after}, ` +
          `state ${out.get("state-after")})`
        : `pid 1's start time was ${before}, is ${after}: not the same process`,
    },
  ]);
  return combine(inside, host);
}

/** The ptrace attempt, then opening pid 1's environ and memory, which its non-dumpability closes. */
export function notTraceableScript(arch: string): string {
  return perlLine([
    ptraceScript(arch, 1),
    "use Fcntl qw(O_RDONLY);",
    'for my $n ("environ", "mem") { my $ok = sysopen(my $f, "/proc/1/$n", O_RDONLY);',
    '  report("open-$n", $ok ? 0 : -1); close $f if $ok }',
  ].join("\n"));
}

export const NOT_TRACEABLE_OUTPUT: OutputSpec = { once: ["ptrace", "open-environ", "open-mem"] };

export function judgeNotTraceable(result: ScriptResult): Judgement {
  const read = readOutput(result, NOT_TRACEABLE_OUTPUT);
  if (!read.ok) return read.judgement;
  const ptrace = read.value.get("ptrace");
  const errno = (value: string | null): string =>
    value === null ? "not tried" : value === "ok" ? "opened" : value.split(" ")[0];
  const opens = (["environ", "mem"] as const).map((name) => ({
    name,
    outcome: errno(read.value.get(`open-${name}`)),
  }));
  if (ptrace === null) return fail("PTRACE_SEIZE of pid 1 was not tried");
  const [name, , ...message] = ptrace.split(" ");
  return allOf([
    {
      ok: ptrace !== "ok",
      evidence: ptrace === "ok"
        ? "PTRACE_SEIZE of pid 1 succeeded"
        : `PTRACE_SEIZE of pid 1: ${name} (${message.join(" ")})`,
    },
    ...opens.map(({ name, outcome }) => ({
      ok: outcome === "EACCES",
      evidence: `open /proc/1/${name}: ${outcome}` +
        (outcome === "EACCES" ? " (pid 1 is not dumpable)" : " (EACCES expected)"),
    })),
  ]);
}

export const INIT_PROBES: Probe[] = [
  {
    id: "processes.init-survives-kill",
    group: "processes",
    property: "pid 1 survives SIGKILL, SIGSTOP, SIGSEGV and a SIGCHLD flood from inside",
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
      property: "pid 1 cannot be ptraced, and its environ and memory cannot be opened, from inside",
    },
    (facts) => notTraceableScript(facts.arch),
    judgeNotTraceable,
  ),
];
