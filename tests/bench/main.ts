/**
 * `deno task bench`: start-up and lifecycle timings of bot-bottle against its peers, all
 * measured in the same run.
 *
 *   fast peers, interleaved round-robin (the starting peer rotates every round):
 *     bare-bwrap, deno-startup, srt true, bottle --help (CLI start-up), bottle exec B true,
 *     and the anatomy of exec: Deno start-up in the repo, importing commander, importing
 *     node:fs + node:path, the bwrap preflight's subprocesses, the bare entry program into the bottle
 *   lifecycle cycles, each in a fresh state dir:
 *     apply (cold) → apply (warm, no changes) → destroy
 *
 * Prints medians, p90, ratios against the peers and a PASS/MISS line per target:
 *   bottle exec / (bare bwrap + deno start-up) ≤ 2x;  apply (cold) < 1000 ms; then the egress
 *   section and the sidecar memory of 10 bundles (one bottle's sidecars ≤ 60 MB RSS).
 *
 * Options: --iterations N (fast peers, default 15), --slow-iterations N (lifecycle cycles,
 * default max(3, N/3)), --warmup N (default 2), --json [FILE] (JSON to FILE, or to stdout with
 * the table on stderr), --dir DIR (default examples/), --bottle NAME (default dev),
 * --no-srt, --strict (exit 1 when a target is missed).
 */
import { runEgressBench } from "./egress.ts";
import { benchBundleMemory, stopLiveBundles } from "./bundle_memory.ts";
import { join } from "node:path";
import { DEFAULT_TIMEOUTS, MAIN_TS, REPO_ROOT, World } from "./bottle.ts";
import { failureReason, reap, type RunResult, timedRun, which } from "./proc.ts";
import { enterFloorArgv } from "./enter_floor.ts";
import {
  msTarget,
  newMeasurement,
  ratio,
  ratioTarget,
  renderJson,
  renderText,
  type Report,
} from "./report.ts";
import { type Options, parseOptions } from "./options.ts";
import { type Peer, roundRobin } from "./round_robin.ts";
import { setupSrt, type SrtSetup } from "./srt.ts";
import { summarize } from "./stats.ts";
import { sleep } from "../../lib/wait.ts";

const log = (line: string): void => {
  console.error(`[bench] ${line}`);
};

/** Worlds alive right now, so that an interrupt can still tear them down. */
const liveWorlds = new Set<World>();
const teardownNotes: string[] = [];

/** Set by SIGINT/SIGTERM: from then on no new world is made and no new step starts. */
let interrupted = false;

class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

async function withWorld<T>(label: string, body: (world: World) => Promise<T>): Promise<T> {
  if (interrupted) throw new Interrupted();
  const world = await World.create(options().dir, label, DEFAULT_TIMEOUTS);
  liveWorlds.add(world);
  try {
    if (interrupted) throw new Interrupted();
    return await body(world);
  } finally {
    await world.dispose();
    teardownNotes.push(...world.teardownNotes);
    liveWorlds.delete(world);
  }
}

/** Scratch directories of this run (removed at the end, or on interrupt). */
const scratchDirs = new Set<string>();

async function disposeAll(): Promise<void> {
  await stopLiveBundles();
  for (const world of [...liveWorlds]) {
    await world.dispose();
    teardownNotes.push(...world.teardownNotes);
    liveWorlds.delete(world);
  }
  for (const dir of [...scratchDirs]) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    scratchDirs.delete(dir);
  }
}

let parsedOptions: Options | null = null;
function options(): Options {
  if (!parsedOptions) throw new Error("options not parsed yet");
  return parsedOptions;
}

async function main(): Promise<number> {
  // The example agent routes api.anthropic.com with the operator's key; nothing here calls it.
  if (!Deno.env.get("ANTHROPIC_API_KEY")) Deno.env.set("ANTHROPIC_API_KEY", "bench-not-a-real-key");
  const options = parsedOptions = parseOptions(Deno.args);
  const workDir = await Deno.makeTempDir({ prefix: "bot-bottle-bench-work-" });
  scratchDirs.add(workDir);
  try {
    return await runBench(options, workDir);
  } finally {
    await disposeAll();
  }
}

async function runBench(options: Options, workDir: string): Promise<number> {
  const deno = Deno.execPath();
  const emptyTs = join(workDir, "empty.ts");
  await Deno.writeTextFile(emptyTs, "export {};\n");
  const srtDir = join(workDir, "srt-cwd");
  await Deno.mkdir(srtDir);

  const bwrap = which("bwrap") ?? "bwrap";
  const bwrapArgs = [
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
  const fast = { timeoutMs: 30_000 };

  const bareBwrap = newMeasurement("bare-bwrap", "bare-bwrap", `bwrap ${bwrapArgs.join(" ")}`);
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
  const applyCold = newMeasurement(
    "apply-cold",
    "apply (cold)",
    `deno run -A main.ts apply --yes --dir ${options.dir}  (fresh BOT_BOTTLE_STATE_DIR)`,
  );
  const applyWarm = newMeasurement(
    "apply-warm",
    "apply (warm, no changes)",
    `deno run -A main.ts apply --yes --dir ${options.dir}  (again)`,
  );
  const destroy = newMeasurement(
    "destroy",
    "destroy",
    `deno run -A main.ts destroy --yes --dir ${options.dir}`,
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
  const preflightCmds = newMeasurement(
    "preflight-subprocesses",
    "  bwrap preflight's 2 subprocesses",
    "bwrap --version; bwrap --unshare-user --ro-bind / / true",
  );
  const nsenterFloor = newMeasurement(
    "enter-floor",
    "  enter the bottle (enter.ts), true",
    "[setpriv to the owner] perl ENTER INNER ipc,uts,net,cgroup,pid,mnt /workspace … /bin/true",
  );
  const anatomy = [repoDeno, importCommander, importNodeFs, preflightCmds, nsenterFloor];
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

  // ---- fast peers, round-robin, against one applied bottle
  await withWorld("exec", async (world) => {
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
    const enter = await enterFloorArgv(world.stateDir, options.bottle);
    if (!applied.ok) {
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
        last = await timedRun(cmd, args, fast);
        if (!last.ok) return last;
        ms += last.ms;
      }
      return { ...last!, ms };
    };
    const denoProbe = (file: string) => (): Promise<RunResult> =>
      timedRun(deno, ["run", "-A", join(probes, file)], { cwd: REPO_ROOT, ...fast });
    const peers: Peer[] = [
      { m: repoDeno, run: denoProbe("empty.ts") },
      { m: importCommander, run: denoProbe("import_commander.ts") },
      { m: importNodeFs, run: denoProbe("import_node_fs.ts") },
      { m: preflightCmds, run: preflightRun },
      {
        m: nsenterFloor,
        run: () =>
          typeof enter === "string"
            ? Promise.reject(new Error(enter))
            : timedRun(enter[0], enter.slice(1), fast),
      },
      { m: bareBwrap, run: () => timedRun(bwrap, bwrapArgs, { cwd: workDir, ...fast }) },
      { m: denoStartup, run: () => timedRun(deno, ["run", "-A", emptyTs], { ...fast }) },
      { m: cliStartup, run: () => world.cli(["--help"], fast.timeoutMs) },
      { m: bottleExec, run: () => world.exec(options.bottle, ["true"], separator) },
    ];
    if (srt.ok) {
      const s = srt;
      peers.push({
        m: srtTrue,
        run: () => timedRun(s.cmd, [...s.args, "true"], { cwd: s.cwd, env: s.env, ...fast }),
      });
    }
    log(
      `fast peers: ${options.warmup} warm-up + ${options.iterations} rounds of ${
        peers.filter((p) => !p.m.unavailable).length
      } peers`,
    );
    await roundRobin(peers, options.iterations, options.warmup, {
      stopped: () => interrupted,
      log,
    });
  });

  // ---- lifecycle cycles: cold apply → warm apply → destroy, each in a fresh state dir
  const cycles = options.slowIterations + Math.min(1, options.warmup);
  log(`lifecycle: ${Math.min(1, options.warmup)} warm-up + ${options.slowIterations} cycles`);
  for (let cycle = 0; cycle < cycles; cycle++) {
    const measured = cycle >= cycles - options.slowIterations;
    const stop = await withWorld(
      "cycle",
      async (world) => {
        const cold = await world.apply();
        if (!cold.ok) {
          applyCold.failures.push(failureReason(cold));
          return true; // a broken apply will not mend itself within this run
        }
        const warm = await world.apply();
        const down = await world.destroy();
        if (down.ok) {
          const left = world.processes().length;
          if (left > 0 && measured) {
            destroy.notes.push(`destroy left ${left} process(es) running (ended by the bench)`);
          }
          await reap(world.stateDir);
        }
        if (!measured) return false;
        applyCold.samples.push(cold.ms);
        if (warm.ok) applyWarm.samples.push(warm.ms);
        else applyWarm.failures.push(failureReason(warm));
        if (down.ok) destroy.samples.push(down.ms);
        else destroy.failures.push(failureReason(down));
        return false;
      },
    );
    if (stop || interrupted) break;
  }
  if (interrupted) throw new Interrupted();
  if (applyCold.samples.length === 0) {
    applyCold.unavailable = applyCold.failures[0] ?? "no cycle ran";
    applyCold.failures = [];
    for (const m of [applyWarm, destroy]) m.unavailable = "needs a successful apply (cold)";
  }
  for (const m of [applyWarm, destroy]) {
    if (m.samples.length === 0 && !m.unavailable) {
      m.unavailable = m.failures[0] ?? "no cycle ran";
      m.failures = [];
    }
  }

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

  const measurements = [
    bareBwrap,
    denoStartup,
    baseline,
    srtTrue,
    cliStartup,
    bottleExec,
    applyCold,
    applyWarm,
    destroy,
    ...anatomy,
  ];
  const report: Report = {
    meta: {
      date: new Date().toISOString(),
      host:
        `${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cpu, ${Deno.osRelease()}`,
      deno: Deno.version.deno,
      bwrap: (await timedRun(bwrap, ["--version"], fast)).stdout.trim() || "?",
      srt: srt.ok ? `@anthropic-ai/sandbox-runtime@${srt.version}` : `unavailable`,
      iterations: `${options.iterations} fast rounds (round-robin) + ${options.warmup} warm-up; ` +
        `${options.slowIterations} lifecycle cycles + ${Math.min(1, options.warmup)} warm-up`,
    },
    measurements,
    ratios: [
      ratio("bottle exec / (bwrap + deno)", bottleExec, baseline),
      ratio("bottle exec / srt", bottleExec, srtTrue),
      ratio("bottle exec / bare-bwrap", bottleExec, bareBwrap),
      ratio("bottle exec / deno-startup", bottleExec, denoStartup),
      ratio("bottle exec / bottle --help", bottleExec, cliStartup),
      ratio("enter floor / bare-bwrap", nsenterFloor, bareBwrap),
      ratio("bottle --help / deno-startup", cliStartup, denoStartup),
      ratio("srt / (bwrap + deno)", srtTrue, baseline),
      ratio("apply warm / apply cold", applyWarm, applyCold),
    ],
    targets: [
      ratioTarget("bottle exec / (bwrap + deno)", bottleExec, baseline, 2),
      msTarget("apply cold", applyCold, 1000),
    ],
    invocations: {
      "bare-bwrap": bareBwrap.command ?? "",
      "deno-startup": `${deno} run -A ${emptyTs}`,
      srt: srt.ok ? srt.display : `not run: ${srt.reason}`,
      "bottle exec": `${deno} run -A ${MAIN_TS} ${
        bottleExec.command?.replace(/^deno run -A main\.ts /, "") ?? ""
      }`,
      lifecycle: `${deno} run -A ${MAIN_TS} apply|destroy --yes --dir ${options.dir}`,
    },
  };
  if (teardownNotes.length > 0) report.meta.teardown = [...new Set(teardownNotes)].join("; ");

  const text = renderText(report);
  if (options.json === null) {
    console.error(text);
    console.log(renderJson(report));
  } else {
    console.log(text);
    if (options.json) {
      await Deno.writeTextFile(options.json, renderJson(report) + "\n");
      log(`wrote ${options.json}`);
    }
  }
  log("egress: latency, 100 MB transfers, DLP scan speed …");
  const egress = await runEgressBench(100, srt, workDir);
  console.log(`\negress\n${egress.text}`);
  log("bundle memory: 10 sidecar bundles …");
  const bundleMemory = await benchBundleMemory(10);
  console.log(`\nbundle memory\n${bundleMemory.text}`);
  const missed = report.targets.some((t) => !t.pass) || egress.targets.some((t) => !t.pass) ||
    !bundleMemory.pass;
  return options.strict && missed ? 1 : 0;
}

// An interrupt still tears down what the bench brought up.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: tearing down …`);
    // Tear down now (ending our in-flight commands unblocks the main flow), then once more
    // for a world that was being made at the moment of the signal.
    (async () => {
      await disposeAll();
      await sleep(300);
      await disposeAll();
    })().finally(() => Deno.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  if (error instanceof Interrupted) {
    await disposeAll();
    code = 130;
  } else {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    code = 2;
  }
}
Deno.exit(code);
