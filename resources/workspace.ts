import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { diffInputs } from "../engine/diff.ts";
import type { JsonObject } from "../lib/json.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { scratchOf, seedWorkspace } from "./workspace_seed.ts";
import { giveToOwner } from "../backends/bwrap/owner.ts";
import { removeAgentDirectory } from "./bottle_home.ts";

export interface WorkspaceInputs {
  /** The host directory mapped at `/workspace`, under the bottle's state directory. */
  path: string;
  /** The operator's repository the workspace is seeded from when it is created. */
  source?: string;
}

/**
 * The bottle's workspace. Created empty, or as a copy of `source` (see workspace_seed.ts).
 *
 * The copy is a seed only: once created, the workspace belongs to the agent. `source` is
 * recorded (it is where `bottle export` sends results by default) but never compared, so a
 * changed or removed `workspace:` never re-seeds or replaces the directory — that would
 * destroy the agent's work. Only a changed `path` replaces it. `create` leaves a directory
 * that is already there alone, and `update` never seeds.
 */
export const workspaceProvider: Provider = {
  type: "workspace",
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  read(_ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const path = String(instance.inputs.path);
    if (!isDirectory(path)) {
      return Promise.resolve({ status: "missing", reason: `directory ${path} does not exist` });
    }
    return Promise.resolve({ status: "found", outputs: { path }, drift: [] });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs({ path: desired.path }, { path: recorded.path }, ["path"], true);
  },
  async create(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const { path, source } = inputsOf(instance);
    if (isDirectory(path)) return { path };
    if (source === undefined) {
      makePrivateDir(path);
      await giveToOwner(path);
    } else await seedWorkspace(source, path, giveToOwner);
    chmodSync(path, 0o700);
    return { path };
  },
  update(_ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const { path } = inputsOf(instance);
    if (!isDirectory(path)) makePrivateDir(path);
    return Promise.resolve({ path });
  },
  async delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const { path } = inputsOf(instance);
    await removeAgentDirectory(path);
    await removeAgentDirectory(scratchOf(path));
  },
};

function inputsOf(instance: ResourceInstance): WorkspaceInputs {
  const { path, source } = instance.inputs;
  return {
    path: String(path),
    ...(typeof source === "string" ? { source } : {}),
  };
}

function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
