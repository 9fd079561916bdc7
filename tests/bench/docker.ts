/**
 * The docker part of `deno task bench` (issue 14): the same bottle on `backend: docker` and on
 * `backend: bwrap`, beside plain Docker, all in the same run:
 *
 *   - lifecycle, interleaved cycle by cycle: apply (cold, the agent image cached: built in a
 *     warm-up cycle and kept) and destroy, on each backend (docker_lifecycle.ts);
 *   - exec, interleaved round-robin: `bottle exec B true` on each backend, `docker exec C true`
 *     into a plain container of the same agent image (`--network none`), `docker run --rm
 *     --network none IMAGE true`, and the anatomy of the docker bottle's exec (docker_exec.ts).
 *
 * Target: `bottle exec` on docker ≤ 1.3x plain `docker exec` (medians). Every loop is bounded
 * in count and by the section's time budget. `deno run -A tests/bench/docker.ts [ROUNDS]` runs
 * it alone (ROUNDS exec rounds, default 15; max(3, ROUNDS/3) lifecycle cycles).
 */
import { join } from "node:path";
import { PreflightError } from "../../backends/backend.ts";
import { dockerOutput, dockerProgram } from "../../backends/docker/cli.ts";
import { dockerPreflight } from "../../backends/docker/preflight.ts";
import { ensureBaseImage } from "../../backends/docker/base_image.ts";
import { resolveCacheDir } from "../../resources/agent_cli.ts";
import { MAIN_TS } from "./bottle.ts";
import { BenchDockerObjects } from "./docker_objects.ts";
import { type DockerExecPeers, measureExecPeers, newExecPeers } from "./docker_exec.ts";
import { type BackendCycles, measureCycles, newBackendCycles } from "./docker_lifecycle.ts";
import {
  type Measurement,
  medianOf,
  newMeasurement,
  type Ratio,
  ratio,
  ratioTarget,
  renderText,
  type Report,
} from "./report.ts";
import {
  disposeAll,
  isInterrupted,
  log,
  scratchDir,
  teardownNotes,
  tearDownOnInterrupt,
  withWorld,
} from "./session.ts";

const BOTTLE = "bench";
/** `bottle exec` on docker against plain `docker exec`, medians (issue 14). */
export const EXEC_TARGET = 1.3;
/** No new cycle or round starts after this long. */
const BUDGET_MS = 20 * 60_000;

export interface DockerBenchOptions {
  /** Exec rounds (round-robin). */
  iterations: number;
  /** Measured lifecycle cycles per backend (after one warm-up cycle). */
  cycles: number;
  /** Warm-up rounds of each exec peer. */
  warmup: number;
}

export interface DockerBench {
  text: string;
  /** Every target met. */
  pass: boolean;
}

/** The same bottle twice, differing only in `backend:`; it allows nothing out. */
async function writeProjects(root: string): Promise<{ docker: string; bwrap: string }> {
  const dirs = { docker: join(root, "docker"), bwrap: join(root, "bwrap") };
  for (const [backend, dir] of Object.entries(dirs)) {
    await Deno.mkdir(join(dir, "bottles"), { recursive: true });
    await Deno.mkdir(join(dir, "agents"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "bottles", `${BOTTLE}.md`),
      `---\nbackend: ${backend}\n---\nThe docker bench's bottle.\n`,
    );
  }
  return dirs;
}

/** Why Docker bottles cannot run here, or null; builds the base image when it is missing. */
async function dockerProblem(): Promise<string | null> {
  try {
    await dockerPreflight();
    const env = Deno.env.toObject();
    log("docker: the base image (built once per machine when missing, ~90 s) …");
    await ensureBaseImage({ env, workDir: join(resolveCacheDir(env), "docker-base") });
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return error instanceof PreflightError ? `${message} (${error.fix})` : message;
  }
}

async function versions(): Promise<string> {
  const server = await dockerOutput(["version", "--format", "{{.Server.Version}}"], {
    timeoutMs: 20_000,
  });
  const client = await dockerOutput(["version", "--format", "{{.Client.Version}}"], {
    timeoutMs: 20_000,
  });
  return `${dockerProgram()}: client ${client.stdout.trim() || "?"}, server ${
    server.stdout.trim() || "?"
  }`;
}

export async function runDockerBench(options: DockerBenchOptions): Promise<DockerBench> {
  const deadline = Date.now() + BUDGET_MS;
  const stopped = (): boolean => isInterrupted() || Date.now() > deadline;
  const root = await scratchDir("bot-bottle-bench-docker-");
  const dirs = await writeProjects(root);
  const peers = newExecPeers(BOTTLE);
  const cycles: BackendCycles[] = [];
  const problem = await dockerProblem();
  const objects = new BenchDockerObjects();
  const leftovers: string[] = [];
  try {
    if (problem) {
      for (const m of Object.values(peers)) m.unavailable = problem;
    } else {
      await withWorld(
        dirs.docker,
        "docker-cycles",
        (docker) =>
          withWorld(dirs.bwrap, "bwrap-cycles", async (bwrap) => {
            cycles.push(newBackendCycles("docker", docker, BOTTLE));
            cycles.push(newBackendCycles("bwrap", bwrap, BOTTLE));
            await measureCycles(cycles, { cycles: options.cycles, warmup: 1, stopped, objects });
          }),
      );
      await withWorld(
        dirs.docker,
        "docker-exec",
        (docker) =>
          withWorld(dirs.bwrap, "bwrap-exec", (bwrap) =>
            measureExecPeers(peers, {
              docker,
              bwrap,
              bottle: BOTTLE,
              iterations: options.iterations,
              warmup: options.warmup,
              stopped,
              objects,
            })),
      );
    }
  } finally {
    leftovers.push(...await objects.dispose());
  }
  if (Date.now() > deadline) leftovers.push(`stopped early: the ${BUDGET_MS / 60_000} min budget`);
  return render(peers, cycles, problem ? problem : await versions(), leftovers);
}

function render(
  peers: DockerExecPeers,
  cycles: BackendCycles[],
  engine: string,
  notes: string[],
): DockerBench {
  const [docker, bwrap] = cycles;
  const cli = derivedDifference(
    "docker-exec-cli-cost",
    "  bottle exec (docker) − its command by CLI",
    peers.dockerBottle,
    peers.bottleArgvExec,
  );
  const measurements: Measurement[] = [
    peers.dockerBottle,
    peers.bwrapBottle,
    peers.plainExec,
    peers.plainRun,
    ...(docker && bwrap ? [docker.applyCold, bwrap.applyCold, docker.destroy, bwrap.destroy] : []),
    peers.denoRepo,
    peers.execModules,
    peers.bottleArgvExec,
    cli,
    ...stepRows(cycles),
  ];
  // `bottle exec` no longer runs the docker CLI (Engine API: backends/docker/engine_exec.ts);
  // the anatomy's CLI row shows what the wrapper alone costs on top of a plain exec.
  const target = ratioTarget(
    "bottle exec (docker) / docker exec",
    peers.dockerBottle,
    peers.plainExec,
    EXEC_TARGET,
  );
  const report: Report = {
    meta: { engine, ...(notes.length > 0 ? { notes: notes.join("; ") } : {}) },
    measurements,
    ratios: [
      ratio("bottle exec (docker) / docker exec", peers.dockerBottle, peers.plainExec),
      ratio("bottle exec (docker) / bottle exec (bwrap)", peers.dockerBottle, peers.bwrapBottle),
      ratio("its command by the CLI / plain docker exec", peers.bottleArgvExec, peers.plainExec),
      floorRatio(peers.dockerBottle, peers.denoRepo, peers.plainExec),
      ratio("docker run --rm / docker exec", peers.plainRun, peers.plainExec),
      ...(docker && bwrap
        ? [
          ratio("apply cold: docker / bwrap", docker.applyCold, bwrap.applyCold),
          ratio("apply cold (docker) / docker run --rm", docker.applyCold, peers.plainRun),
          ratio("destroy: docker / bwrap", docker.destroy, bwrap.destroy),
        ]
        : []),
    ],
    targets: [target],
    invocations: {
      "bottle exec": `${Deno.execPath()} run -A ${MAIN_TS} exec ${BOTTLE} -- true`,
      "bottles": `---\\nbackend: docker|bwrap\\n--- (nothing else: no egress, no agent)`,
    },
  };
  if (teardownNotes.length > 0) report.meta.teardown = [...new Set(teardownNotes)].join("; ");
  // renderText's first line is the whole bench's title; this section has its own.
  const text = renderText(report).split("\n").slice(1).join("\n");
  return { text, pass: target.pass };
}

/** The steps of a cold apply that differ by backend: the image and the sandbox. */
function stepRows(cycles: BackendCycles[]): Measurement[] {
  const rows = cycles.flatMap((c) =>
    ["docker_image", "sandbox"].flatMap((id) => c.steps.get(id) ?? [])
  );
  if (rows.length > 0) {
    rows[0].section = "anatomy of apply (cold): the steps that differ by backend (own time):";
  }
  return rows;
}

function derivedDifference(
  key: string,
  label: string,
  a: Measurement,
  b: Measurement,
): Measurement {
  const m = newMeasurement(key, label);
  const x = medianOf(a);
  const y = medianOf(b);
  if (x === null || y === null) m.unavailable = "needs both medians";
  else m.derived = { median: x - y, note: "difference of the medians: the CLI's own cost" };
  return m;
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? "15");
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error("usage: deno run -A tests/bench/docker.ts [ROUNDS]");
    Deno.exit(2);
  }
  tearDownOnInterrupt();
  try {
    const bench = await runDockerBench({
      iterations: rounds,
      cycles: Math.max(3, Math.floor(rounds / 3)),
      warmup: 2,
    });
    console.log(`docker\n${bench.text}`);
  } finally {
    await disposeAll();
  }
}

/**
 * `bottle exec` against the floor a Deno CLI can reach: Deno's own start-up plus a plain
 * `docker exec` (as the bwrap target is set against bare bwrap plus Deno start-up).
 */
function floorRatio(exec: Measurement, deno: Measurement, plain: Measurement): Ratio {
  const name = "bottle exec (docker) / (Deno start-up + docker exec)";
  const [x, a, b] = [medianOf(exec), medianOf(deno), medianOf(plain)];
  if (x === null || a === null || b === null) return { name, value: null, missing: "not measured" };
  return { name, value: x / (a + b) };
}
