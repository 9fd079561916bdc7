/** Lifecycle cycles, each in a fresh state dir: apply (cold) → apply (warm, no changes) → destroy. */
import type { Options } from "./options.ts";
import { failureReason, reap } from "./proc.ts";
import { type Measurement, newMeasurement } from "./report.ts";
import { Interrupted, isInterrupted, log, withWorld } from "./session.ts";

export interface Lifecycle {
  applyCold: Measurement;
  applyWarm: Measurement;
  destroy: Measurement;
  /** Where a cold apply's time goes: start-up and plan, then each step (they overlap). */
  anatomy: Measurement[];
}

/**
 * A cold apply's breakdown, from its own output: each step's `ID: Created after Nms` and the
 * time before the first step (the process's time less `Apply complete in Nms`: start-up,
 * loading the manifests, planning, preflight).
 */
class ApplyAnatomy {
  readonly before = newMeasurement(
    "apply-before-steps",
    "  start-up, manifests, plan, preflight",
    "process time − `Apply complete in N ms`",
  );
  readonly steps = new Map<string, Measurement>();

  add(output: string, processMs: number): void {
    for (const match of output.matchAll(/^(\S+): Created after (\d+)ms$/gm)) {
      const id = match[1];
      let step = this.steps.get(id);
      if (!step) {
        step = newMeasurement(`apply-step-${id}`, `  ${id}`);
        this.steps.set(id, step);
      }
      step.samples.push(Number(match[2]));
    }
    const applied = /Apply complete in (\d+)ms/.exec(output);
    if (applied) this.before.samples.push(processMs - Number(applied[1]));
  }

  rows(): Measurement[] {
    const rows = [this.before, ...this.steps.values()];
    rows[0].section = "anatomy of apply (cold): what comes before the first step, then each " +
      "step's own time (independent steps overlap):";
    return this.before.samples.length > 0 ? rows : [];
  }
}

export async function measureLifecycle(options: Options): Promise<Lifecycle> {
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
  const anatomy = new ApplyAnatomy();
  const cycles = options.slowIterations + Math.min(1, options.warmup);
  log(`lifecycle: ${Math.min(1, options.warmup)} warm-up + ${options.slowIterations} cycles`);
  for (let cycle = 0; cycle < cycles; cycle++) {
    const measured = cycle >= cycles - options.slowIterations;
    const stop = await withWorld(options.dir, "cycle", async (world) => {
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
      anatomy.add(cold.stdout + cold.stderr, cold.ms);
      if (warm.ok) applyWarm.samples.push(warm.ms);
      else applyWarm.failures.push(failureReason(warm));
      if (down.ok) destroy.samples.push(down.ms);
      else destroy.failures.push(failureReason(down));
      return false;
    });
    if (stop || isInterrupted()) break;
  }
  if (isInterrupted()) throw new Interrupted();
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
  return { applyCold, applyWarm, destroy, anatomy: anatomy.rows() };
}
