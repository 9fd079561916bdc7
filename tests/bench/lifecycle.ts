/** Lifecycle cycles, each in a fresh state dir: apply (cold) → apply (warm, no changes) → destroy. */
import type { Options } from "./options.ts";
import { failureReason, reap } from "./proc.ts";
import { type Measurement, newMeasurement } from "./report.ts";
import { Interrupted, isInterrupted, log, withWorld } from "./session.ts";

export interface Lifecycle {
  applyCold: Measurement;
  applyWarm: Measurement;
  destroy: Measurement;
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
  return { applyCold, applyWarm, destroy };
}
