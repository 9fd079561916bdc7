import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { defineResource, type Observation } from "../engine/resource_type.ts";
import { giveToOwner } from "../backends/bwrap/owner.ts";
import type { BottleContext } from "./bottle_context.ts";
import { removeAgentDirectory } from "./bottle_home.ts";
import { scratchOf, seedWorkspace } from "./workspace_seed.ts";

export const workspaceInputs = z.object({
  /** The host directory mapped at `/workspace`, under the bottle's state directory. */
  path: z.string(),
  /** The operator's repository the workspace is seeded from when it is created. */
  source: z.string().optional(),
});
export type WorkspaceInputs = z.infer<typeof workspaceInputs>;

const outputs = z.object({ path: z.string() });
type WorkspaceOutputs = z.infer<typeof outputs>;

/**
 * The bottle's workspace. Created empty, or as a copy of `source` (see workspace_seed.ts).
 *
 * The copy is a seed only: once created, the workspace belongs to the agent. `source` is
 * recorded (it is where `bottle export` sends results by default) but never compared, so a
 * changed or removed `workspace:` never re-seeds or replaces the directory — that would
 * destroy the agent's work. Only a changed `path` replaces it. `create` leaves a directory
 * that is already there alone, and `update` never seeds.
 */
export const workspaceProvider = defineResource({
  type: "workspace",
  inputs: workspaceInputs,
  outputs,
  replaceKeys: ["path"],
  ignoreChanges: ["source"],
  repairsDriftInPlace: true,
  read(_ctx, instance): Promise<Observation<WorkspaceOutputs>> {
    const { path } = instance.inputs;
    if (!isDirectory(path)) {
      return Promise.resolve({ status: "missing", reason: `directory ${path} does not exist` });
    }
    return Promise.resolve({ status: "found", outputs: { path }, drift: [] });
  },
  async create(_ctx, instance): Promise<WorkspaceOutputs> {
    const { path, source } = instance.inputs;
    if (isDirectory(path)) return { path };
    if (source === undefined) {
      makePrivateDir(path);
      await giveToOwner(path);
    } else await seedWorkspace(source, path, giveToOwner);
    chmodSync(path, 0o700);
    return { path };
  },
  update(_ctx, instance): Promise<WorkspaceOutputs> {
    const { path } = instance.inputs;
    if (!isDirectory(path)) makePrivateDir(path);
    return Promise.resolve({ path });
  },
  async delete(_ctx, instance): Promise<void> {
    const { path } = instance.inputs;
    await removeAgentDirectory(path);
    await removeAgentDirectory(scratchOf(path));
  },
});

/** A bottle's own `workspace:` wins over `--cwd`; neither: the workspace starts empty. */
export function workspaceNodes(bottle: BottleContext): ResourceNode[] {
  const source = bottle.manifest.workspace ?? bottle.options.workspaceSource;
  return [workspaceProvider.node({
    id: bottle.id("workspace"),
    bottle: bottle.name,
    inputs: { path: bottle.paths.workspaceDir, ...(source === undefined ? {} : { source }) },
    dependsOn: [bottle.id("bottle_dir")],
    replaceWith: [bottle.id("bottle_dir")],
  })];
}

function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
