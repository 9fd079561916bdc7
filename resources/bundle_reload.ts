import { existsSync, readFileSync } from "node:fs";
import { bottleDir } from "../engine/state_dir.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { bundleStatus, reloadBundle } from "../sidecars/bundle/launch.ts";
import type { BundleHandle } from "../sidecars/bundle/types.ts";
import { LOADED_POLICY_FILE } from "../sidecars/egress/mod.ts";
import { poll } from "../lib/wait.ts";
import { readBundleHandle } from "./handle_file.ts";

const RELOAD_TIMEOUT_MS = 3000;

export function runningBundle(ctx: ProviderContext, bottle: string): BundleHandle | null {
  const handle = readBundleHandle(ctx.stateDir, bottle);
  return handle && bundleStatus(handle).state === "running" ? handle : null;
}

/** What the egress daemon reports in force (see LOADED_POLICY_FILE), or null. */
export function loadedMarker(ctx: ProviderContext, bottle: string): string | null {
  const path = `${bottleDir(ctx.stateDir, bottle)}/logs/${LOADED_POLICY_FILE}`;
  return existsSync(path) ? readFileSync(path, "utf8").trim() : null;
}

/**
 * Tells a running bundle to reload and waits until the daemon reports `expected` in force;
 * a bottle without a running bundle picks the files up when it starts.
 */
export async function reloadAndWait(
  ctx: ProviderContext,
  bottle: string,
  isLoaded: (marker: string | null) => boolean,
): Promise<void> {
  const bundle = runningBundle(ctx, bottle);
  if (!bundle || !reloadBundle(bundle)) return;
  const loaded = await poll(() => isLoaded(loadedMarker(ctx, bottle)), {
    timeoutMs: RELOAD_TIMEOUT_MS,
    intervalMs: 5,
  });
  if (!loaded) {
    throw new Error(
      `the egress proxy did not take the change within ${RELOAD_TIMEOUT_MS / 1000}s; the ` +
        `previous policy stays in force (see ${bottleDir(ctx.stateDir, bottle)}/logs/bundle.log)`,
    );
  }
}
