/**
 * The git gate beside plain git, in the same run: a no-op `git fetch` and a push of a small
 * commit, each straight against a local upstream and through the gate (HTTP over the door's
 * socat forwarder, the mirror's refresh, the pre-receive policy and secret scan, the forward
 * upstream), interleaved round by round; and the secret scan of a 50 MB push.
 *
 * Targets (issue 12): fetch ≤ 1.5x direct; push ≤ 2x direct plus the upstream round trip
 * (the gate's push includes one push upstream, so the bound is 3x a direct push); scan
 * ≥ 100 MB/s.
 */

import { join } from "node:path";
import {
  makeUpstream,
  mustGit,
  startGate,
  upstreamEntry,
  writePolicy,
} from "../../sidecars/gitgate/testing/fixture.ts";
import { measurePushScan } from "../../sidecars/gitgate/testing/scan_bench.ts";
import { median as sortedMedian } from "./stats.ts";

const median = (samples: readonly number[]): number =>
  sortedMedian([...samples].sort((a, b) => a - b));

export interface GitGateBench {
  text: string;
  /** Every target met. */
  pass: boolean;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function line(label: string, ms: number[]): string {
  return `  ${label.padEnd(44)} ${median(ms).toFixed(1).padStart(7)} ms  (n=${ms.length})`;
}

function target(pass: boolean, label: string): string {
  return `  ${pass ? "PASS" : "MISS"}  ${label}`;
}

export async function runGitGateBench(rounds = 10): Promise<GitGateBench> {
  const root = await Deno.makeTempDir({ prefix: "bb-bench-gate-" });
  const home = root;
  const upstream = await makeUpstream(root, home);
  const dirs = {
    gateDir: join(root, "gate"),
    runDir: join(root, "run"),
    logDir: join(root, "logs"),
    bottle: "bench",
  };
  for (const dir of [dirs.gateDir, join(dirs.gateDir, "mirrors"), dirs.runDir, dirs.logDir]) {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const results = {
    fetchDirect: [] as number[],
    fetchGate: [] as number[],
    fetchCached: [] as number[],
  };
  const push = { direct: [] as number[], gate: [] as number[] };
  const policy = (cache: number) => ({
    version: 1 as const,
    bottle: "bench",
    upstreams: [upstreamEntry("app", upstream, dirs.gateDir)],
    dlp: {},
    fetch_cache_seconds: cache,
  });
  writePolicy(dirs.gateDir, policy(0));
  const gate = await startGate(dirs);
  try {
    const direct = join(root, "direct");
    const gated = join(root, "gated");
    await mustGit(["clone", "--quiet", upstream, direct], { home });
    await mustGit(["clone", "--quiet", `${gate.url}/app.git`, gated], { home });
    for (let round = 0; round < rounds; round++) {
      results.fetchDirect.push(
        await timed(() => mustGit(["fetch", "-q", "origin"], { cwd: direct, home })),
      );
      results.fetchGate.push(
        await timed(() => mustGit(["fetch", "-q", "origin"], { cwd: gated, home })),
      );
      for (
        const [work, into, branch] of [[direct, push.direct, "direct"], [
          gated,
          push.gate,
          "agent",
        ]] as const
      ) {
        await Deno.writeTextFile(join(work, `${branch}-${round}.txt`), `round ${round}\n`);
        await mustGit(["add", "."], { cwd: work, home });
        await mustGit(["commit", "-q", "-m", `${branch} ${round}`], { cwd: work, home });
        into.push(
          await timed(() =>
            mustGit(["push", "-q", "origin", `HEAD:refs/heads/${branch}/${round}`], {
              cwd: work,
              home,
            })
          ),
        );
      }
    }
    writePolicy(dirs.gateDir, policy(60));
    gate.hangUp();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await mustGit(["fetch", "-q", "origin"], { cwd: gated, home });
    for (let round = 0; round < rounds; round++) {
      results.fetchCached.push(
        await timed(() => mustGit(["fetch", "-q", "origin"], { cwd: gated, home })),
      );
    }
  } finally {
    await gate.stop();
  }
  const scan = await measurePushScan();
  await Deno.remove(root, { recursive: true });
  const fetchRatio = median(results.fetchGate) / median(results.fetchDirect);
  const cachedRatio = median(results.fetchCached) / median(results.fetchDirect);
  const pushRatio = median(push.gate) / median(push.direct);
  const rate = scan.bytes / 1e6 / scan.seconds;
  const targets = [fetchRatio <= 1.5, pushRatio <= 3, rate >= 100];
  const text = [
    line("git fetch (no-op), direct", results.fetchDirect),
    line("git fetch (no-op), gate refreshing its mirror", results.fetchGate),
    line("git fetch (no-op), gate within its fetch cache", results.fetchCached),
    line("git push (small commit), direct", push.direct),
    line("git push (small commit), gate: scan + forward", push.gate),
    `  secret scan of a ${(scan.bytes / 1e6).toFixed(0)} MB push: ${rate.toFixed(0)} MB/s ` +
    `(${scan.objects} objects, ${scan.seconds.toFixed(2)} s)`,
    `  ratios: fetch ${fetchRatio.toFixed(2)}x (cached ${cachedRatio.toFixed(2)}x), push ${
      pushRatio.toFixed(2)
    }x`,
    target(
      fetchRatio <= 1.5,
      `gate fetch / direct = ${fetchRatio.toFixed(2)}x, refreshing every fetch (target ≤ 1.5x)`,
    ),
    target(
      pushRatio <= 3,
      `gate push / direct = ${pushRatio.toFixed(2)}x (target ≤ 2x + the upstream round trip = 3x)`,
    ),
    target(rate >= 100, `push secret scan = ${rate.toFixed(0)} MB/s (target ≥ 100 MB/s)`),
  ].join("\n");
  return { text, pass: targets.every(Boolean) };
}

if (import.meta.main) console.log((await runGitGateBench()).text);
