import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, rmSync, statSync } from "node:fs";
import { sandboxOwner } from "../backends/bwrap/owner.ts";
import { removeAgentDirectory } from "./bottle_home.ts";
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
 *
 * `owned` subdirs (the agent's home) belong to the sandbox owner, the host identity the
 * agent runs as (see bottle_home.ts for how they are removed); `mode` (e.g. 0o711 for the
 * door, which the owner's forwarders traverse) overrides the default 0700 of `path`.
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
      const drift = missing.map((sub) => `${path}/${sub} is missing`);
      const owner = sandboxOwner();
      for (const sub of ownedOf(instance)) {
        const info = lstatSync(`${path}/${sub}`, { throwIfNoEntry: false });
        if (info && info.uid !== owner.uid) {
          drift.push(`${path}/${sub} is not owned by ${owner.name}`);
        }
      }
      return Promise.resolve({ status: "found", outputs: { path }, drift });
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
    async delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
      const path = String(instance.inputs.path);
      for (const sub of ownedOf(instance)) await removeAgentDirectory(`${path}/${sub}`);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

function ensure(instance: ResourceInstance): { path: string } {
  const path = String(instance.inputs.path);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const mode = instance.inputs.mode;
  if (typeof mode === "number") chmodSync(path, mode);
  for (const sub of subdirsOf(instance)) {
    mkdirSync(`${path}/${sub}`, { recursive: true, mode: 0o700 });
  }
  const owner = sandboxOwner();
  for (const sub of ownedOf(instance)) chownSync(`${path}/${sub}`, owner.uid, owner.gid);
  return { path };
}

function ownedOf(instance: ResourceInstance): string[] {
  const owned = instance.inputs.owned;
  return Array.isArray(owned) ? owned.map(String) : [];
}

function subdirsOf(instance: ResourceInstance): string[] {
  const subdirs = instance.inputs.subdirs;
  return Array.isArray(subdirs) ? subdirs.map(String) : [];
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
