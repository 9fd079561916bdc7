/**
 * Cold apply and destroy of the same bottle on docker and on bwrap, interleaved cycle by cycle
 * (the order alternating). Each backend keeps one world for all its cycles and empties its
 * state dir after every destroy, so every apply is cold (a fresh state) while the state dir's
 * path, and with it the docker bottle's agent image tag, stays the same: the warm-up cycle
 * builds the image and tags it once more (`BenchDockerObjects.keep`), so that destroy only
 * untags it and every measured apply finds it cached (its `docker build` is all cache hits).
 */
import type { World } from "./bottle.ts";
import { containersOf, labelledObject } from "./docker_objects.ts";
import type { BenchDockerObjects } from "./docker_objects.ts";
import { failureReason, reap } from "./proc.ts";
import { type Measurement, newMeasurement } from "./report.ts";
import { log } from "./session.ts";

export type BackendName = "docker" | "bwrap";

export interface BackendCycles {
  backend: BackendName;
  world: World;
  bottle: string;
  applyCold: Measurement;
  destroy: Measurement;
  /** Per step of a cold apply (`ID: Created after Nms`), in first-seen order. */
  steps: Map<string, Measurement>;
  /** Set when a cycle failed in a way the next one would not mend. */
  broken?: string;
}

export function newBackendCycles(
  backend: BackendName,
  world: World,
  bottle: string,
): BackendCycles {
  return {
    backend,
    world,
    bottle,
    applyCold: newMeasurement(
      `apply-cold-${backend}`,
      `apply (cold) on ${backend}`,
      `deno run -A main.ts apply --yes --dir ${world.manifestDir}  (emptied BOT_BOTTLE_STATE_DIR)`,
    ),
    destroy: newMeasurement(
      `destroy-${backend}`,
      `destroy on ${backend}`,
      `deno run -A main.ts destroy --yes --dir ${world.manifestDir}`,
    ),
    steps: new Map(),
  };
}

export interface CycleControl {
  cycles: number;
  warmup: number;
  stopped: () => boolean;
  /** The docker image cache: the warm-up cycle's agent image is kept through destroys. */
  objects: BenchDockerObjects;
}

export async function measureCycles(
  backends: BackendCycles[],
  control: CycleControl,
): Promise<void> {
  const total = control.warmup + control.cycles;
  for (let cycle = 0; cycle < total && !control.stopped(); cycle++) {
    log(
      `docker lifecycle: cycle ${cycle + 1}/${total}${cycle < control.warmup ? " (warm-up)" : ""}`,
    );
    const order = cycle % 2 === 0 ? backends : [...backends].reverse();
    for (const backend of order) {
      if (backend.broken || control.stopped()) continue;
      await oneCycle(backend, cycle >= control.warmup, cycle === 0 ? control.objects : null);
    }
  }
  for (const backend of backends) {
    for (const m of [backend.applyCold, backend.destroy]) {
      if (m.samples.length === 0) {
        m.unavailable = backend.broken ?? m.failures[0] ?? "no cycle ran";
      }
    }
  }
}

async function oneCycle(
  b: BackendCycles,
  measured: boolean,
  keepImageWith: BenchDockerObjects | null,
): Promise<void> {
  const cold = await b.world.apply();
  if (!cold.ok) {
    if (measured) b.applyCold.failures.push(failureReason(cold));
    else b.broken = `warm-up apply failed (${failureReason(cold)})`;
  } else if (measured) {
    b.applyCold.samples.push(cold.ms);
    addSteps(b, cold.stdout + cold.stderr);
  }
  if (cold.ok && keepImageWith && b.backend === "docker") {
    const image = await labelledObject("image", b.world.stateDir, "image");
    if (!image) b.broken = "the warm-up apply left no labelled agent image";
    else await keepImageWith.keep(image, `lifecycle-${Deno.pid}`);
  }
  const down = await b.world.destroy();
  if (!down.ok) {
    b.broken = `destroy failed (${failureReason(down)})`;
    if (measured) b.destroy.failures.push(failureReason(down));
    return;
  }
  if (measured) b.destroy.samples.push(down.ms);
  const processes = await reap(b.world.stateDir);
  if (processes > 0) b.destroy.notes.push(`destroy left ${processes} process(es) (ended)`);
  if (b.backend === "docker") {
    const left = await containersOf(b.world.stateDir);
    if (left.length > 0) b.destroy.notes.push(`destroy left container(s): ${left.join(", ")}`);
  }
  // A fresh state at the same path for the next cycle.
  await Deno.remove(b.world.stateDir, { recursive: true });
  await Deno.mkdir(b.world.stateDir, { mode: 0o700 });
}

/** Each step's own time from an apply's output (`ID.BOTTLE: Created after Nms`). */
function addSteps(b: BackendCycles, output: string): void {
  for (const match of output.matchAll(/^(\S+): Created after (\d+)ms$/gm)) {
    const id = match[1].replace(/\..*$/, "");
    let step = b.steps.get(id);
    if (!step) {
      step = newMeasurement(`apply-step-${b.backend}-${id}`, `  ${id} (${b.backend})`);
      b.steps.set(id, step);
    }
    step.samples.push(Number(match[2]));
  }
}
