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
 *   bottle exec / (bare bwrap + deno start-up) ≤ 1.3x;  srt / bottle exec ≥ 6x;
 *   apply (cold) ≤ 500 ms; then the egress section (intercepted HTTPS added p50 ≤ 0.5 ms,
 *   passthrough ≥ 0.9x direct both ways) and the sidecar memory of 10 bundles (one
 *   bottle's sidecars ≤ 60 MB RSS), then the git gate beside plain git (fetch ≤ 1.5x,
 *   push ≤ 3x, push secret scan ≥ 100 MB/s), then supervise (an MCP tool call from inside the
 *   bottle through the door p50 ≤ 10 ms; approve → the first request let through ≤ 500 ms),
 *   then docker (apply cold, `bottle exec B true` and destroy of one bottle on docker and on
 *   bwrap, beside plain `docker exec` and `docker run --rm`: bottle exec on docker ≤ 1.3x
 *   plain docker exec).
 *
 * Options: --iterations N (fast peers, default 15), --slow-iterations N (lifecycle cycles,
 * default max(3, N/3)), --warmup N (default 2), --json [FILE] (JSON to FILE, or to stdout with
 * the table on stderr), --dir DIR (default examples/), --bottle NAME (default dev),
 * --no-srt, --strict (exit 1 when a target is missed).
 */
import { runEgressBench } from "./egress.ts";
import { benchBundleMemory } from "./bundle_memory.ts";
import { runGitGateBench } from "./git_gate.ts";
import { runSuperviseBench } from "./supervise.ts";
import { runDockerBench } from "./docker.ts";
import { MAIN_TS } from "./bottle.ts";
import { timedRun } from "./proc.ts";
import {
  msTarget,
  ratio,
  ratioAtLeastTarget,
  ratioTarget,
  renderJson,
  renderText,
  type Report,
} from "./report.ts";
import { type Options, parseOptions } from "./options.ts";
import { FAST, type FastPeers, measureFastPeers } from "./fast_peers.ts";
import { type Lifecycle, measureLifecycle } from "./lifecycle.ts";
import {
  disposeAll,
  Interrupted,
  log,
  scratchDir,
  teardownNotes,
  tearDownOnInterrupt,
} from "./session.ts";

async function main(): Promise<number> {
  // The example agent routes api.anthropic.com with the operator's key; nothing here calls it.
  if (!Deno.env.get("ANTHROPIC_API_KEY")) Deno.env.set("ANTHROPIC_API_KEY", "bench-not-a-real-key");
  const options = parseOptions(Deno.args);
  try {
    return await runBench(options, await scratchDir("bot-bottle-bench-work-"));
  } finally {
    await disposeAll();
  }
}

async function runBench(options: Options, workDir: string): Promise<number> {
  const fast = await measureFastPeers(options, workDir);
  const lifecycle = await measureLifecycle(options);
  const report = await buildReport(options, fast, lifecycle);
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
  const egress = await runEgressBench(100, fast.srt, workDir);
  console.log(`\negress\n${egress.text}`);
  log("bundle memory: 10 sidecar bundles …");
  const bundleMemory = await benchBundleMemory(10);
  console.log(`\nbundle memory\n${bundleMemory.text}`);
  log("git gate: fetch and push beside plain git, push secret scan …");
  const gate = await runGitGateBench();
  console.log(`\ngit gate\n${gate.text}`);
  log("supervise: MCP round trip through the door, approve → first request let through …");
  const supervise = await runSuperviseBench();
  console.log(`\nsupervise\n${supervise.text}`);
  log("docker: apply, exec and destroy beside bwrap and plain docker exec/run …");
  const docker = await runDockerBench({
    iterations: options.iterations,
    cycles: options.slowIterations,
    warmup: options.warmup,
  });
  console.log(`\ndocker\n${docker.text}`);
  const missed = report.targets.some((t) => !t.pass) || egress.targets.some((t) => !t.pass) ||
    !bundleMemory.pass || !gate.pass || !supervise.pass || !docker.pass;
  return options.strict && missed ? 1 : 0;
}

async function buildReport(
  options: Options,
  fast: FastPeers,
  lifecycle: Lifecycle,
): Promise<Report> {
  const { bareBwrap, denoStartup, baseline, srtTrue, cliStartup, bottleExec, srt } = fast;
  const { applyCold, applyWarm, destroy } = lifecycle;
  const deno = Deno.execPath();
  const report: Report = {
    meta: {
      date: new Date().toISOString(),
      host:
        `${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cpu, ${Deno.osRelease()}`,
      deno: Deno.version.deno,
      bwrap: (await timedRun(fast.bwrap, ["--version"], FAST)).stdout.trim() || "?",
      srt: srt.ok ? `@anthropic-ai/sandbox-runtime@${srt.version}` : `unavailable`,
      iterations: `${options.iterations} fast rounds (round-robin) + ${options.warmup} warm-up; ` +
        `${options.slowIterations} lifecycle cycles + ${Math.min(1, options.warmup)} warm-up`,
    },
    measurements: [
      bareBwrap,
      denoStartup,
      baseline,
      srtTrue,
      cliStartup,
      bottleExec,
      applyCold,
      applyWarm,
      destroy,
      ...fast.anatomy,
      ...lifecycle.anatomy,
    ],
    ratios: [
      ratio("bottle exec / (bwrap + deno)", bottleExec, baseline),
      ratio("bottle exec / srt", bottleExec, srtTrue),
      ratio("bottle exec / bare-bwrap", bottleExec, bareBwrap),
      ratio("bottle exec / deno-startup", bottleExec, denoStartup),
      ratio("bottle exec / bottle --help", bottleExec, cliStartup),
      ratio("enter floor / bare-bwrap", fast.nsenterFloor, bareBwrap),
      ratio("bottle --help / deno-startup", cliStartup, denoStartup),
      ratio("srt / (bwrap + deno)", srtTrue, baseline),
      ratio("apply warm / apply cold", applyWarm, applyCold),
    ],
    targets: [
      ratioTarget("bottle exec / (bwrap + deno)", bottleExec, baseline, 1.3),
      ratioAtLeastTarget("srt / bottle exec", srtTrue, bottleExec, 6),
      msTarget("apply cold", applyCold, 500),
    ],
    invocations: {
      "bare-bwrap": bareBwrap.command ?? "",
      "deno-startup": `${deno} run -A ${fast.emptyTs}`,
      srt: srt.ok ? srt.display : `not run: ${srt.reason}`,
      "bottle exec": `${deno} run -A ${MAIN_TS} ${
        bottleExec.command?.replace(/^deno run -A main\.ts /, "") ?? ""
      }`,
      lifecycle: `${deno} run -A ${MAIN_TS} apply|destroy --yes --dir ${options.dir}`,
    },
  };
  if (teardownNotes.length > 0) report.meta.teardown = [...new Set(teardownNotes)].join("; ");
  return report;
}

tearDownOnInterrupt();
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
