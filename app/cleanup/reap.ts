/**
 * Reaping orphans, in the plan's order (processes, docker objects, directories, state rows),
 * each by the code that stops or removes its kind elsewhere. A failure is reported and the
 * rest goes on, except that a directory whose bottle still has a process or container that
 * could not be stopped is left alone.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BWRAP, bwrapBackend } from "../../backends/bwrap/backend.ts";
import { removeDockerObject } from "../../backends/docker/remove.ts";
import { terminate } from "../../lib/process.ts";
import { removeAgentDirectory } from "../../resources/bottle_home.ts";
import { stopSupervised } from "../../sidecars/bundle/supervised.ts";
import type { StateStore } from "../../engine/state.ts";
import type { Orphan, OrphanTarget } from "./types.ts";

export interface ReapResult {
  orphan: Orphan;
  outcome: "reaped" | "failed" | "skipped";
  /** Why it failed or was skipped. */
  detail: string | null;
}

const LIVE_KINDS: ReadonlySet<string> = new Set([
  "sandbox",
  "door-keeper",
  "supervisor",
  "container",
]);

export async function reapOrphans(
  store: StateStore,
  orphans: readonly Orphan[],
  onReaped: (result: ReapResult) => void = () => {},
): Promise<ReapResult[]> {
  const results: ReapResult[] = [];
  const stuck = new Set<string>();
  for (const orphan of orphans) {
    let result: ReapResult;
    if (orphan.target.kind === "directory" && orphan.ours && stuck.has(orphan.bottle)) {
      result = { orphan, outcome: "skipped", detail: "something of its bottle still runs" };
    } else {
      try {
        await reap(store, orphan.target);
        result = { orphan, outcome: "reaped", detail: null };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        result = { orphan, outcome: "failed", detail };
        if (orphan.ours && LIVE_KINDS.has(orphan.target.kind)) stuck.add(orphan.bottle);
      }
    }
    results.push(result);
    onReaped(result);
  }
  return results;
}

async function reap(store: StateStore, target: OrphanTarget): Promise<void> {
  switch (target.kind) {
    case "sandbox": {
      const { init, inner, door } = target;
      return await bwrapBackend.stop({ backend: BWRAP, init, inner, ...(door ? { door } : {}) });
    }
    case "door-keeper":
      return await terminate(target.process, { group: true, graceMs: 500 });
    case "supervisor":
      return await stopSupervised(target.process, target.socket === null ? [] : [target.socket]);
    case "container":
    case "image":
    case "volume":
    case "network":
      return await removeDockerObject(target);
    case "directory":
      await removeAgentDirectory(join(target.path, "home"));
      await removeAgentDirectory(join(target.path, "workspace"));
      return rmSync(target.path, { recursive: true, force: true });
    case "rows":
      for (const id of target.ids) {
        store.remove(id);
        store.journal(id, "cleanup", "done", "bottle cleanup: nothing of its bottle was left");
      }
  }
}
