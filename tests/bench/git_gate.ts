/**
 * The git gate beside plain git, in the same run, interleaved round by round (the order
 * rotating): a no-op `git fetch`, a fetch after upstream moved (the other peers' pushes), and a
 * push of a small commit, each straight against a local upstream, through plain smart HTTP
 * (stock http-backend as a CGI behind the same socat forwarder: the transport's own cost), and
 * through the gate (the mirror's refresh, the pre-receive policy and secret scan, the forward
 * upstream); a second gate serves every fetch from its cache. Then the secret scan of a 50 MB
 * push. `deno run -A tests/bench/git_gate.ts [ROUNDS]`.
 *
 * Targets (issue 12): fetch ≤ 1.5x direct; push ≤ 2x direct plus the upstream round trip
 * (the gate's push includes one push upstream, so the bound is 3x a direct push); scan
 * ≥ 100 MB/s.
 */

import { join } from "node:path";
import {
  makeUpstream,
  mustGit,
  type RunningGate,
  startGate,
  upstreamEntry,
  writePolicy,
} from "../../sidecars/gitgate/testing/fixture.ts";
import { measurePushScan } from "../../sidecars/gitgate/testing/scan_bench.ts";
import { startPlainGitHttp } from "./plain_git_http.ts";
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

function line(label: string, ms: number[], base?: number[]): string {
  const ratio = base === undefined ? "" : `  ${(median(ms) / median(base)).toFixed(2)}x`;
  return `  ${label.padEnd(48)} ${median(ms).toFixed(1).padStart(7)} ms  (n=${ms.length})${ratio}`;
}

function target(pass: boolean, label: string): string {
  return `  ${pass ? "PASS" : "MISS"}  ${label}`;
}

interface Peer {
  name: string;
  clone: string;
  noop: number[];
  moved: number[];
  push: number[];
}

/** Rotates `items` by `by` (each round starts with another peer). */
function rotated<T>(items: readonly T[], by: number): T[] {
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

async function startBenchGate(
  root: string,
  name: string,
  upstream: string,
  cacheSeconds: number,
): Promise<RunningGate> {
  const dirs = {
    gateDir: join(root, name, "gate"),
    runDir: join(root, name, "run"),
    logDir: join(root, name, "logs"),
    bottle: "bench",
  };
  for (const dir of [dirs.gateDir, join(dirs.gateDir, "mirrors"), dirs.runDir, dirs.logDir]) {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  writePolicy(dirs.gateDir, {
    version: 1,
    bottle: "bench",
    upstreams: [upstreamEntry("app", upstream, dirs.gateDir)],
    dlp: {},
    fetch_cache_seconds: cacheSeconds,
  });
  return await startGate(dirs);
}

export async function runGitGateBench(rounds = 10): Promise<GitGateBench> {
  const root = await Deno.makeTempDir({ prefix: "bb-bench-gate-" });
  const home = root;
  const upstream = await makeUpstream(root, home);
  const gate = await startBenchGate(root, "fresh", upstream, 0);
  const cachedGate = await startBenchGate(root, "cached", upstream, 3600);
  const plain = await startPlainGitHttp(upstream, root);
  const peer = (name: string): Peer => ({
    name,
    clone: join(root, `clone-${name}`),
    noop: [],
    moved: [],
    push: [],
  });
  const direct = peer("direct");
  const http = peer("http");
  const gated = peer("gate");
  const cached = peer("cached");
  const fetch = (p: Peer) => mustGit(["fetch", "-q", "origin"], { cwd: p.clone, home });
  try {
    await mustGit(["clone", "--quiet", upstream, direct.clone], { home });
    await mustGit(["clone", "--quiet", plain.url, http.clone], { home });
    await mustGit(["clone", "--quiet", `${gate.url}/app.git`, gated.clone], { home });
    await mustGit(["clone", "--quiet", `${cachedGate.url}/app.git`, cached.clone], { home });
    const pushers = [direct, http, gated];
    for (let round = 0; round < rounds; round++) {
      for (const p of rotated(pushers, round)) {
        await Deno.writeTextFile(join(p.clone, `${p.name}-${round}.txt`), `round ${round}\n`);
        await mustGit(["add", "."], { cwd: p.clone, home });
        await mustGit(["commit", "-q", "-m", `${p.name} ${round}`], { cwd: p.clone, home });
        const ref = `HEAD:refs/heads/${p.name === "gate" ? "agent" : p.name}/${round}`;
        p.push.push(
          await timed(() => mustGit(["push", "-q", "origin", ref], { cwd: p.clone, home })),
        );
      }
      for (const p of rotated(pushers, round)) p.moved.push(await timed(() => fetch(p)));
      for (const p of rotated([...pushers, cached], round)) {
        p.noop.push(await timed(() => fetch(p)));
      }
    }
  } finally {
    await Promise.all([gate.stop(), cachedGate.stop(), plain.stop()]);
  }
  const scan = await measurePushScan();
  await Deno.remove(root, { recursive: true });
  const fetchRatio = median(gated.noop) / median(direct.noop);
  const cachedRatio = median(cached.noop) / median(direct.noop);
  const pushRatio = median(gated.push) / median(direct.push);
  const rate = scan.bytes / 1e6 / scan.seconds;
  const targets = [fetchRatio <= 1.5, pushRatio <= 3, rate >= 100];
  const text = [
    line("git fetch (no-op), direct", direct.noop),
    line("git fetch (no-op), plain smart HTTP (CGI)", http.noop, direct.noop),
    line("git fetch (no-op), gate refreshing its mirror", gated.noop, direct.noop),
    line("git fetch (no-op), gate within its fetch cache", cached.noop, direct.noop),
    line("git fetch (upstream moved), direct", direct.moved),
    line("git fetch (upstream moved), plain smart HTTP", http.moved, direct.moved),
    line("git fetch (upstream moved), gate", gated.moved, direct.moved),
    line("git push (small commit), direct", direct.push),
    line("git push (small commit), plain smart HTTP", http.push, direct.push),
    line("git push (small commit), gate: scan + forward", gated.push, direct.push),
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

if (import.meta.main) {
  console.log((await runGitGateBench(Number(Deno.args[0] ?? 10))).text);
}
