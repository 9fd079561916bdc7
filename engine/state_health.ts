import { isAlive, type ProcessIdentity } from "../lib/process.ts";
import { bottleDir } from "./state_dir.ts";
import { StateError } from "./state_errors.ts";
import type { StateStore } from "./state.ts";

/** What a bottle leaves in its directory while it runs: handle files of live processes. */
export interface BottleOnDisk {
  bottle: string;
  dir: string;
  /** Handle files found (sandbox.json, bundle.json) whose process is alive. */
  liveHandles: string[];
}

const HANDLE_FILES: Record<string, (handle: Record<string, unknown>) => unknown> = {
  "sandbox.json": (handle) => handle.init,
  "bundle.json": (handle) => handle.supervisor,
};

/** Bottles of this state dir with a live sandbox or sidecar bundle, read from their handles. */
export function runningBottlesOnDisk(stateDir: string): BottleOnDisk[] {
  const root = `${stateDir}/bottles`;
  try {
    Deno.statSync(root);
  } catch {
    return []; // as node:fs's existsSync, which this replaces: nothing to see
  }
  const found: BottleOnDisk[] = [];
  for (const entry of Deno.readDirSync(root)) {
    if (!entry.isDirectory) continue;
    const dir = bottleDir(stateDir, entry.name);
    const liveHandles = Object.entries(HANDLE_FILES)
      .filter(([file, identityOf]) => isLiveIdentity(identityOf(readJson(`${dir}/${file}`))))
      .map(([file]) => file);
    if (liveHandles.length > 0) found.push({ bottle: entry.name, dir, liveHandles });
  }
  return found.sort((a, b) => a.bottle.localeCompare(b.bottle));
}

/** Running bottles of which the state holds no record at all (pure). */
export function unrecordedBottles(
  running: readonly BottleOnDisk[],
  recordedBottles: Iterable<string>,
): BottleOnDisk[] {
  const recorded = new Set(recordedBottles);
  return running.filter((bottle) => !recorded.has(bottle.bottle));
}

/**
 * The error for commands that would give a false answer about bottles that run while the
 * state has no record of them (its database deleted, truncated or replaced).
 */
export function unrecordedError(
  dbPath: string,
  bottles: readonly BottleOnDisk[],
  what: string,
): StateError {
  const names = bottles.map((bottle) => bottle.bottle).join(", ");
  const dirs = bottles.map((bottle) => bottle.dir).join(", ");
  return new StateError(
    `bottle(s) ${names} are running (${dirs}) but the state database ${dbPath} has no ` +
      `record of them (was it deleted, truncated or replaced?): ${what}`,
    "restore the last good copy with `deno task bottle state restore`, or take them over " +
      "with `deno task bottle state adopt --dir DIR` (records them from the manifests; the " +
      "next plan settles what runs as declared)",
    "unrecorded",
    dbPath,
  );
}

function readJson(path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Deno.readTextFileSync(path));
    return typeof value === "object" && value !== null ? { ...value } : {};
  } catch {
    return {};
  }
}

function isLiveIdentity(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { pid, startTime } = value as Partial<ProcessIdentity>;
  if (typeof pid !== "number" || typeof startTime !== "number") return false;
  return isAlive({ pid, startTime });
}

/**
 * Refuses when bottles run that the state does not record (`only`: among these names),
 * `what` saying which false answer that prevents.
 */
export function assertNoUnrecordedBottles(
  store: StateStore,
  what: string,
  only?: readonly string[],
): void {
  const running = runningBottlesOnDisk(store.stateDir)
    .filter((bottle) => only === undefined || only.includes(bottle.bottle));
  if (running.length === 0) return;
  const unrecorded = unrecordedBottles(running, store.all().map((record) => record.bottle));
  if (unrecorded.length > 0) throw unrecordedError(store.path, unrecorded, what);
}
