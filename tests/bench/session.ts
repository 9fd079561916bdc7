/**
 * What the bench has brought up and must take down: its worlds, its scratch directories and
 * the sidecar bundles of the memory bench; and whether an interrupt (SIGINT/SIGTERM) came, after
 * which no new world is made and no new step starts.
 */
import { stopLiveBundles } from "./bundle_memory.ts";
import { DEFAULT_TIMEOUTS, World } from "./bottle.ts";
import { sleep } from "../../lib/wait.ts";

export const log = (line: string): void => {
  console.error(`[bench] ${line}`);
};

/** Worlds alive right now, so that an interrupt can still tear them down. */
const liveWorlds = new Set<World>();
/** What tearing worlds down had to say (processes left, …), for the report. */
export const teardownNotes: string[] = [];
/** Scratch directories of this run (removed at the end, or on interrupt). */
const scratchDirs = new Set<string>();

let interrupted = false;

/** Set by SIGINT/SIGTERM. */
export function isInterrupted(): boolean {
  return interrupted;
}

export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

/** A fresh world over the manifests in `dir` for `body`, disposed of afterwards. */
export async function withWorld<T>(
  dir: string,
  label: string,
  body: (world: World) => Promise<T>,
): Promise<T> {
  if (interrupted) throw new Interrupted();
  const world = await World.create(dir, label, DEFAULT_TIMEOUTS);
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

/** A scratch directory of this run, removed by `disposeAll`. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  scratchDirs.add(dir);
  return dir;
}

export async function disposeAll(): Promise<void> {
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

/** An interrupt still tears down what the bench brought up, then exits 130. */
export function tearDownOnInterrupt(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${sig}: tearing down …`);
      // Tear down now (ending our in-flight commands unblocks the main flow), then once more
      // for a world that was being made at the moment of the signal.
      (async (): Promise<void> => {
        await disposeAll();
        await sleep(300);
        await disposeAll();
      })().finally(() => Deno.exit(130));
    });
  }
}
