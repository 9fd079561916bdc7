import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, rmSync, statSync } from "node:fs";
import { z } from "zod";
import { sandboxOwner } from "../backends/bwrap/owner.ts";
import {
  defineResource,
  type Instance,
  type ObjectSchema,
  type Observation,
  type ResourceType,
} from "../engine/resource_type.ts";
import { removeAgentDirectory } from "./bottle_home.ts";

/** What a directory type's inputs hold (each type may record more, e.g. the door's services). */
export interface DirectoryInputs {
  path: string;
  subdirs?: string[];
  /** Subdirs that belong to the sandbox owner (recorded since the owner existed). */
  owned?: string[];
  /** The mode of `path` (recorded since the door needed 0711); default 0700. */
  mode?: number;
}

const outputs = z.object({ path: z.string() });
export type DirectoryOutputs = z.infer<typeof outputs>;

/**
 * A directory tree the engine owns: `path` plus optional `subdirs`. Deleting removes the
 * whole tree, so paths are always derived from the state dir. A new subdir is an update
 * (it is made); only a new `path` replaces, since a replace cascades to everything inside
 * — the bottle directory holds the agent's workspace and home.
 *
 * `owned` subdirs (the agent's home) belong to the sandbox owner, the host identity the
 * agent runs as (see bottle_home.ts for how they are removed); `mode` (e.g. 0o711 for the
 * door, which the owner's forwarders traverse) overrides the default 0700 of `path`.
 */
export function defineDirectory<I extends DirectoryInputs>(
  type: string,
  inputs: ObjectSchema<I>,
): ResourceType<I, DirectoryOutputs> {
  return defineResource({
    type,
    inputs,
    outputs,
    replaceKeys: ["path"],
    repairsDriftInPlace: true,
    read: (_ctx, instance) => Promise.resolve(read(instance.inputs)),
    create: (_ctx, instance) => Promise.resolve(ensure(instance.inputs)),
    update: (_ctx, instance) => Promise.resolve(ensure(instance.inputs)),
    async delete(_ctx, instance: Instance<I, DirectoryOutputs>): Promise<void> {
      const { path, owned = [] } = instance.inputs;
      for (const sub of owned) await removeAgentDirectory(`${path}/${sub}`);
      rmSync(path, { recursive: true, force: true });
    },
  });
}

function read(inputs: DirectoryInputs): Observation<DirectoryOutputs> {
  const { path, subdirs = [], owned = [] } = inputs;
  if (!isDirectory(path)) return { status: "missing", reason: `directory ${path} does not exist` };
  const missing = subdirs.filter((sub) => !isDirectory(`${path}/${sub}`));
  const drift = missing.map((sub) => `${path}/${sub} is missing`);
  const owner = sandboxOwner();
  for (const sub of owned) {
    const info = lstatSync(`${path}/${sub}`, { throwIfNoEntry: false });
    if (info && info.uid !== owner.uid) drift.push(`${path}/${sub} is not owned by ${owner.name}`);
  }
  return { status: "found", outputs: { path }, drift };
}

function ensure(inputs: DirectoryInputs): DirectoryOutputs {
  const { path, subdirs = [], owned = [], mode } = inputs;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (mode !== undefined) chmodSync(path, mode);
  for (const sub of subdirs) mkdirSync(`${path}/${sub}`, { recursive: true, mode: 0o700 });
  const owner = sandboxOwner();
  for (const sub of owned) chownSync(`${path}/${sub}`, owner.uid, owner.gid);
  return { path };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
