import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bottleDir } from "../engine/state_dir.ts";
import type { BundleHandle } from "../sidecars/bundle/types.ts";
import type { SandboxHandle } from "../backends/backend.ts";

/**
 * Handles of running processes are also kept in files beside the bottle, written the
 * moment they exist. A run killed between a side effect and its commit in state thereby
 * leaves a handle the next run adopts or stops, never an orphan; and the egress policy's
 * hot reload can find the bundle without reading another resource's row.
 */
export function bundleHandlePath(stateDir: string, bottle: string): string {
  return join(bottleDir(stateDir, bottle), "bundle.json");
}

export function sandboxHandlePath(stateDir: string, bottle: string): string {
  return join(bottleDir(stateDir, bottle), "sandbox.json");
}

export function writeHandle(path: string, handle: BundleHandle | SandboxHandle): void {
  writeFileSync(path, JSON.stringify(handle), { mode: 0o600 });
}

export function readHandle<T extends BundleHandle | SandboxHandle>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null;
  }
}

export function removeHandle(path: string): void {
  rmSync(path, { force: true });
}
