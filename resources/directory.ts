import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { diffInputs } from "../engine/diff.ts";
import type { JsonObject } from "../lib/json.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";

/**
 * A provider for a directory tree the engine owns: `path` plus optional `subdirs`.
 * Deleting removes the whole tree, so paths are always derived from the state dir. A new
 * subdir is an update (it is made); only a new `path` replaces, since a replace cascades to
 * everything inside — the bottle directory holds the agent's workspace and home.
 */
export function directoryProvider(type: string): Provider {
  return {
    type,
    replaceKeys: ["path"],
    repairsDriftInPlace: true,
    read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
      const path = String(instance.inputs.path);
      if (!isDirectory(path)) {
        return Promise.resolve({ status: "missing", reason: `directory ${path} does not exist` });
      }
      const missing = subdirsOf(instance).filter((sub) => !isDirectory(`${path}/${sub}`));
      return Promise.resolve({
        status: "found",
        outputs: { path },
        drift: missing.map((sub) => `${path}/${sub} is missing`),
      });
    },
    diff(desired: JsonObject, recorded: JsonObject): DiffResult {
      return diffInputs(desired, recorded, this.replaceKeys, true);
    },
    create(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
      return Promise.resolve(ensure(instance));
    },
    update(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
      return Promise.resolve(ensure(instance));
    },
    delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
      rmSync(String(instance.inputs.path), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function ensure(instance: ResourceInstance): { path: string } {
  const path = String(instance.inputs.path);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  for (const sub of subdirsOf(instance)) {
    mkdirSync(`${path}/${sub}`, { recursive: true, mode: 0o700 });
  }
  return { path };
}

function subdirsOf(instance: ResourceInstance): string[] {
  const subdirs = instance.inputs.subdirs;
  return Array.isArray(subdirs) ? subdirs.map(String) : [];
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
