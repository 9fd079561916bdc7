/**
 * The fast peers, timed interleaved round-robin against one applied bottle: bare bwrap, Deno
 * start-up, `srt true`, `bottle --help`, `bottle exec B true`, and the anatomy of `bottle exec`
 * (each of its parts on its own).
 */
import { join } from "node:path";
import { REPO_ROOT, type World } from "./bottle.ts";
import { enterFloorArgv } from "./enter_floor.ts";
import type { Options } from "./options.ts";
import { failureReason, type RunResult, timedRun, which } from "./proc.ts";
import { type Measurement, newMeasurement } from "./report.ts";
import { type Peer, roundRobin } from "./round_robin.ts";
import { isInterrupted, log, withWorld } from "./session.ts";
import { setupSrt, type SrtSetup } from "./srt.ts";
import { summarize } from "./stats.ts";

export const FAST = { timeoutMs: 30_000 };

/** `bwrap … /bin/true` in fresh namespaces: the floor any sandbox start pays. */
export const BARE_BWRAP_ARGS = [
  "--unshare-all",
  "--unshare-user",
  "--ro-bind",
  "/usr",
  "/usr",
  "--symlink",
  "usr/bin",
  "/bin",
  "--symlink",
  "usr/lib",
  "/lib",
  "--symlink",
  "usr/lib64",
  "/lib64",
  "--proc",
  "/proc",
  "--dev",
  "/dev",
  "--",
  "/bin/true",
];

export interface FastPeers {
  bareBwrap: Measurement;
  denoStartup: Measurement;
  /** bare-bwrap + deno-startup, derived from their samples. */
  baseline: Measurement;
  srtTrue: Measurement;
  cliStartup: Measurement;
  bottleExec: Measurement;
  nsenterFloor: Measurement;
  /** The anatomy rows, in report order (the first carries the section title). */
  anatomy: Measurement[];
  srt: SrtSetup;
  /** The bwrap binary timed. */
  bwrap: string;
  /** The empty module timed as Deno start-up. */
  emptyTs: string;
}

export async function measureFastPeers(options: Options, workDir: string): Promise<FastPeers> {
  const deno = Deno.execPath();
  const emptyTs = join(workDir, "empty.ts");
  await Deno.writeTextFile(emptyTs, "export {};\n");
  const srtDir = join(workDir, "srt-cwd");
  await Deno.mkdir(srtDir);
  const bwrap = which("bwrap") ?? "bwrap";

  const bareBwrap = newMeasurement(
    "bare-bwrap",
    "bare-bwrap",
    `bwrap ${BARE_BWRAP_ARGS.join(" ")}`,
  );
  const denoStartup = newMeasurement("deno-startup", "deno-startup", `deno run -A empty.ts`);
  const baseline = newMeasurement("bwrap+deno", "bare-bwrap + deno-startup");
  const srtTrue = newMeasurement("srt-true", "srt true");
  const cliStartup = newMeasurement(
    "cli-startup",
    "bottle --help (CLI start-up)",
    "deno run -A main.ts --help",
  );
  const bottleExec = newMeasurement(
    "bottle-exec",
    `bottle exec ${options.bottle} true`,
    `deno run -A main.ts exec ${options.bottle} -- true`,
  );

  // ---- anatomy of `bottle exec`: what its parts cost on their own
  const probes = join(REPO_ROOT, "tests", "bench", "probes");
  const repoDeno = newMeasurement(
    "deno-startup-repo",
    "  deno start-up in repo (config+lock)",
    "deno run -A tests/bench/probes/empty.ts",
  );
  const importCommander = newMeasurement(
    "import-commander",
    "  deno + import commander (npm)",
    "deno run -A tests/bench/probes/import_commander.ts",
  );
  const importNodeFs = newMeasurement(
    "import-node-fs",
    "  deno + import node:fs, node:path",
    "deno run -A tests/bench/probes/import_node_fs.ts",
  );
  const importExec = newMeasurement(
    "import-exec",
    "  deno + exec's modules (no npm, no node:fs)",
    "deno run -A tests/bench/probes/import_exec.ts",
  );
  const preflightCmds = newMeasurement(
    "preflight-subprocesses",
    "  bwrap preflight's 2 subprocesses (apply)",
    "bwrap --version; bwrap --unshare-user --ro-bind / / true",
  );
  const nsenterFloor = newMeasurement(
    "enter-floor",
    "  enter the bottle (enter.ts), true",
    "perl ENTER [owner] INNER ipc,uts,net,cgroup,pid,mnt /workspace … /bin/true (exec's one program)",
  );
  const anatomy = [
    repoDeno,
    importExec,
    importCommander,
    importNodeFs,
    preflightCmds,
    nsenterFloor,
  ];
  repoDeno.section = "anatomy of bottle exec (its parts, each on its own):";

  // ---- srt
  let srt: SrtSetup = { ok: false, reason: "skipped (--no-srt)", notes: [] };
  if (options.srt) {
    log("setting up srt …");
    srt = await setupSrt(srtDir, log);
  }
  srtTrue.notes.push(...srt.notes);
  if (srt.ok) srtTrue.command = `srt ${srt.args.join(" ")} true`;
  else srtTrue.unavailable = srt.reason;

  // ---- round-robin, against one applied bottle
  await withWorld(options.dir, "exec", async (world) => {
    const { applied, separator } = await prepareExec(world, options, bottleExec);
    const enter = await enterFloorArgv(world.stateDir, options.bottle);
    if (!applied) {
      nsenterFloor.unavailable = "needs an applied bottle";
    } else if (typeof enter === "string") {
      nsenterFloor.unavailable = enter;
    }
    const preflightRun = async (): Promise<RunResult> => {
      const steps: [string, string[]][] = [
        [bwrap, ["--version"]],
        [bwrap, ["--unshare-user", "--ro-bind", "/", "/", "true"]],
      ];
      let ms = 0;
      let last: RunResult | null = null;
      for (const [cmd, args] of steps) {
        last = await timedRun(cmd, args, FAST);
        if (!last.ok) return last;
        ms += last.ms;
      }
      return { ...last!, ms };
    };
    const denoProbe = (file: string) => (): Promise<RunResult> =>
      timedRun(deno, ["run", "-A", join(probes, file)], { cwd: REPO_ROOT, ...FAST });
    const peers: Peer[] = [
      { m: repoDeno, run: denoProbe("empty.ts") },
      { m: importExec, run: denoProbe("import_exec.ts") },
      { m: importCommander, run: denoProbe("import_commander.ts") },
      { m: importNodeFs, run: denoProbe("import_node_fs.ts") },
      { m: preflightCmds, run: preflightRun },
      {
        m: nsenterFloor,
        run: () =>
          typeof enter === "string"
            ? Promise.reject(new Error(enter))
            : timedRun(enter[0], enter.slice(1), FAST),
      },
      { m: bareBwrap, run: () => timedRun(bwrap, BARE_BWRAP_ARGS, { cwd: workDir, ...FAST }) },
      { m: denoStartup, run: () => timedRun(deno, ["run", "-A", emptyTs], { ...FAST }) },
      { m: cliStartup, run: () => world.cli(["--help"], FAST.timeoutMs) },
      { m: bottleExec, run: () => world.exec(options.bottle, ["true"], separator) },
    ];
    if (srt.ok) {
      const s = srt;
      peers.push({
        m: srtTrue,
        run: () => timedRun(s.cmd, [...s.args, "true"], { cwd: s.cwd, env: s.env, ...FAST }),
      });
    }
    log(
      `fast peers: ${options.warmup} warm-up + ${options.iterations} rounds of ${
        peers.filter((p) => !p.m.unavailable).length
      } peers`,
    );
    await roundRobin(peers, options.iterations, options.warmup, { stopped: isInterrupted, log });
  });

  // ---- derived baseline
  const bw = summarize(bareBwrap.samples);
  const dn = summarize(denoStartup.samples);
  if (bw && dn && !bareBwrap.unavailable && !denoStartup.unavailable) {
    baseline.derived = {
      median: bw.median + dn.median,
      p90: bw.p90 + dn.p90,
      note: "sum of the two medians (p90: sum of p90s)",
    };
  } else {
    baseline.unavailable = bareBwrap.unavailable ?? denoStartup.unavailable ?? "no samples";
  }
  return {
    bareBwrap,
    denoStartup,
    baseline,
    srtTrue,
    cliStartup,
    bottleExec,
    nsenterFloor,
    anatomy,
    srt,
    bwrap,
    emptyTs,
  };
}

/**
 * Applies the bottle and checks that `exec B -- true` works and really runs inside it; marks
 * `bottleExec` unavailable (or notes a fallback) when not. Says whether the apply worked and
 * whether `--` is used.
 */
async function prepareExec(
  world: World,
  options: Options,
  bottleExec: Measurement,
): Promise<{ applied: boolean; separator: boolean }> {
  log(`applying ${options.dir} for the exec measurements (state: ${world.stateDir}) …`);
  let applied = await world.apply();
  if (!applied.ok) {
    // Once more (apply repairs a half-done apply); the failure is reported either way.
    bottleExec.notes.push(`first apply failed (${failureReason(applied)}); applied again`);
    applied = await world.apply();
  }
  let separator = true;
  if (!applied.ok) {
    bottleExec.unavailable = `apply failed (${failureReason(applied)})`;
  } else {
    const probe = await world.exec(options.bottle, ["true"]);
    if (!probe.ok) {
      // The documented form failed: if the form without `--` works, time that (the work
      // is the same) and say so, rather than report nothing.
      const bare = await world.exec(options.bottle, ["true"], false);
      if (bare.ok) {
        separator = false;
        bottleExec.command = `deno run -A main.ts exec ${options.bottle} true`;
        bottleExec.notes.push(
          `\`exec ${options.bottle} -- true\` fails (${failureReason(probe)}); ` +
            `timed \`exec ${options.bottle} true\` instead`,
        );
      } else {
        bottleExec.unavailable = `exec failed (${failureReason(probe)})`;
      }
    }
  }
  if (!bottleExec.unavailable) {
    // Guard against timing a no-op: the command must run in the bottle's own UTS namespace.
    const inside = await world.exec(
      options.bottle,
      ["cat", "/proc/sys/kernel/hostname"],
      separator,
    );
    const name = inside.stdout.trim();
    if (!inside.ok || name === "" || name === Deno.hostname()) {
      bottleExec.notes.push(
        `check failed: exec ${options.bottle} -- cat /proc/sys/kernel/hostname gave ` +
          `"${name}" (${inside.ok ? "same as the host's" : failureReason(inside)})`,
      );
    }
  }
  return { applied: applied.ok, separator };
}
