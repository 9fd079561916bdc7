/**
 * `bottle exec B true` on a docker bottle and on a bwrap bottle, beside plain Docker: `docker
 * exec C true` into a container started from the same agent image with `--network none`, and
 * `docker run --rm --network none IMAGE true`; and, as the anatomy of the docker bottle's
 * exec, Deno's start-up, Deno loading exec's modules, and the very `docker exec` the backend
 * runs (rebuilt from state). Interleaved round-robin, the first peer rotating every round.
 */
import { join } from "node:path";
import { REPO_ROOT, type World } from "./bottle.ts";
import { bottleDockerExec, dockerCli, type HostCommandLine } from "./docker_argv.ts";
import { BENCH_LABEL, type BenchDockerObjects, labelledObject } from "./docker_objects.ts";
import { FAST } from "./fast_peers.ts";
import { failureReason, timedRun } from "./proc.ts";
import { type Measurement, newMeasurement } from "./report.ts";
import { type Peer, roundRobin } from "./round_robin.ts";
import { log } from "./session.ts";

export interface DockerExecPeers {
  dockerBottle: Measurement;
  bwrapBottle: Measurement;
  plainExec: Measurement;
  plainRun: Measurement;
  bottleArgvExec: Measurement;
  denoRepo: Measurement;
  execModules: Measurement;
}

export function newExecPeers(bottle: string): DockerExecPeers {
  const denoRepo = newMeasurement(
    "dk-deno-startup-repo",
    "  deno start-up in repo (config+lock)",
    "deno run -A tests/bench/probes/empty.ts",
  );
  denoRepo.section = "anatomy of bottle exec on docker (its parts, each on its own):";
  return {
    dockerBottle: newMeasurement(
      "bottle-exec-docker",
      `bottle exec ${bottle} true (docker)`,
      `deno run -A main.ts exec ${bottle} -- true`,
    ),
    bwrapBottle: newMeasurement(
      "bottle-exec-bwrap",
      `bottle exec ${bottle} true (bwrap)`,
      `deno run -A main.ts exec ${bottle} -- true`,
    ),
    plainExec: newMeasurement(
      "docker-exec",
      "docker exec C true (plain container)",
      "docker exec C true  (C: docker run -d --network none AGENT_IMAGE sleep …)",
    ),
    plainRun: newMeasurement(
      "docker-run",
      "docker run --rm --network none IMAGE true",
      "docker run --rm --network none AGENT_IMAGE true",
    ),
    bottleArgvExec: newMeasurement(
      "docker-exec-bottle-argv",
      "  its command through the docker CLI",
      "docker exec -i --user U --workdir /workspace --env … AGENT perl -e SECCOMP … true",
    ),
    denoRepo,
    execModules: newMeasurement(
      "dk-import-exec",
      "  deno + exec's modules (no command run)",
      "deno run -A tests/bench/probes/import_exec.ts",
    ),
  };
}

export interface ExecRun {
  docker: World;
  bwrap: World;
  bottle: string;
  iterations: number;
  warmup: number;
  stopped: () => boolean;
  objects: BenchDockerObjects;
}

/** Applies both worlds, starts the plain container, and times the peers round-robin. */
export async function measureExecPeers(peers: DockerExecPeers, run: ExecRun): Promise<void> {
  const { docker, bwrap, bottle } = run;
  log("docker exec peers: applying the docker and the bwrap bottle …");
  for (const [world, m] of [[docker, peers.dockerBottle], [bwrap, peers.bwrapBottle]] as const) {
    const applied = await world.apply();
    if (!applied.ok) m.unavailable = `apply failed (${failureReason(applied)})`;
    else await checkInside(world, bottle, m);
  }
  const image = await labelledObject("image", docker.stateDir, "image");
  if (!image) {
    for (const m of [peers.plainExec, peers.plainRun, peers.bottleArgvExec]) {
      m.unavailable = "no agent image (the docker bottle did not apply)";
    }
  }
  let plain: string | null = null;
  try {
    if (image) plain = await run.objects.startPlain(image, `${Deno.pid}`);
    const argv = peers.dockerBottle.unavailable ? null : await bottleDockerExec(
      docker.stateDir,
      bottle,
      ["true"],
    ).catch((error: Error) => {
      peers.bottleArgvExec.unavailable = error.message;
      return null;
    });
    if (!argv) peers.bottleArgvExec.unavailable ??= "needs the applied docker bottle";
    const list = peerList(peers, { docker, bwrap, bottle, image, plain, argv });
    log(`docker exec peers: ${run.warmup} warm-up + ${run.iterations} rounds of ${list.length}`);
    await roundRobin(list, run.iterations, run.warmup, { stopped: run.stopped, log });
  } finally {
    // Before the bottle's destroy removes the image the plain container runs.
    if (plain) await run.objects.removePlain(plain);
  }
}

interface PeerTargets {
  docker: World;
  bwrap: World;
  bottle: string;
  image: string | null;
  plain: string | null;
  argv: HostCommandLine | null;
}

function peerList(peers: DockerExecPeers, t: PeerTargets): Peer[] {
  const deno = Deno.execPath();
  const probe = (file: string) => (): ReturnType<typeof timedRun> =>
    timedRun(deno, ["run", "-A", join(REPO_ROOT, "tests", "bench", "probes", file)], {
      cwd: REPO_ROOT,
      ...FAST,
    });
  const docker = dockerCli();
  const list: Peer[] = [
    { m: peers.dockerBottle, run: () => t.docker.exec(t.bottle, ["true"]) },
    { m: peers.bwrapBottle, run: () => t.bwrap.exec(t.bottle, ["true"]) },
    { m: peers.denoRepo, run: probe("empty.ts") },
    { m: peers.execModules, run: probe("import_exec.ts") },
  ];
  if (t.plain) {
    const plain = t.plain;
    list.push({ m: peers.plainExec, run: () => timedRun(docker, ["exec", plain, "true"], FAST) });
  } else {
    peers.plainExec.unavailable ??= "the plain container did not start";
  }
  if (t.image) {
    const args = ["run", "--rm", "--network", "none", "--log-driver", "none", "--label"];
    const image = t.image;
    list.push({
      m: peers.plainRun,
      run: () => timedRun(docker, [...args, `${BENCH_LABEL}=1`, image, "true"], FAST),
    });
  }
  if (t.argv) {
    const argv = t.argv;
    list.push({
      m: peers.bottleArgvExec,
      run: () => timedRun(argv.cmd, argv.args, { env: argv.env, ...FAST }),
    });
  }
  return list;
}

/** Guards against timing a no-op: the command must run under the bottle's own host name. */
async function checkInside(world: World, bottle: string, m: Measurement): Promise<void> {
  const inside = await world.exec(bottle, ["cat", "/proc/sys/kernel/hostname"]);
  const name = inside.stdout.trim();
  if (!inside.ok) {
    m.unavailable = `exec failed (${failureReason(inside)})`;
  } else if (name === "" || name === Deno.hostname()) {
    m.notes.push(`check failed: exec ${bottle} -- cat /proc/sys/kernel/hostname gave "${name}"`);
  }
}
