import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { SameShape } from "../engine/json_data.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import type { JsonObject } from "../lib/json.ts";
import type { SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import { getBackend } from "../backends/mod.ts";
import { agentCliId, agentCliInputs } from "./agent_cli.ts";
import type { BottleContext } from "./bottle_context.ts";
import { DOOR_SERVICES, doorServiceSchema } from "./door.ts";
import { dockerImageNodes, stateDbOf } from "./docker_image.ts";
import {
  readSandboxHandle,
  removeHandle,
  sandboxHandlePath,
  sandboxHandleSchema,
  writeHandle,
} from "./handle_file.ts";

const bind = z.object({ host: z.string(), inside: z.string() });
const specShape = {
  bottle: z.string(),
  workspaceDir: z.string(),
  homeDir: z.string(),
  runDir: z.string(),
  backendDir: z.string(),
  trustDir: z.string().optional(),
  services: z.array(doorServiceSchema),
  roBinds: z.array(bind).optional(),
  extraPath: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()),
  owner: z.object({ project: z.string(), stateDb: z.string() }).optional(),
  image: z.string().optional(),
  limits: z.object({ memory: z.string(), cpus: z.number(), pids: z.number() }).optional(),
};
const _spec: SameShape<z.infer<z.ZodObject<typeof specShape>>, SandboxSpec> = true;

/** `sandbox` inputs: the backend's name and everything it needs to start the sandbox. */
export const sandboxInputs = z.object({ backend: z.string(), ...specShape });
export type SandboxInputs = z.infer<typeof sandboxInputs>;

type SandboxInstance = Instance<SandboxInputs, SandboxHandle>;

/** The bottle's long-lived sandbox on its backend. Any input change replaces it. */
export const sandboxProvider = defineResource({
  type: "sandbox",
  inputs: sandboxInputs,
  outputs: sandboxHandleSchema,
  replaceKeys: "all",
  repairsDriftInPlace: true,
  read(ctx, instance): Promise<Observation<SandboxHandle>> {
    const handle = currentHandle(ctx, instance);
    if (!handle) return Promise.resolve({ status: "missing", reason: "no sandbox was started" });
    const status = getBackend(handle.backend).status(handle);
    if (status.state === "gone") {
      return Promise.resolve({ status: "missing", reason: `sandbox ${status.reason}` });
    }
    return Promise.resolve({ status: "found", outputs: handle, drift: status.problems });
  },
  create: start,
  /** Only drift reaches here (every input change replaces): a dead door, repaired in place. */
  async update(ctx, instance): Promise<SandboxHandle> {
    const current = currentHandle(ctx, instance);
    const running = current && getBackend(current.backend).status(current).state === "running";
    if (!current || !running) return await start(ctx, instance);
    let handle: SandboxHandle;
    try {
      handle = await getBackend(current.backend).repair(current, specOf(instance.inputs));
    } catch {
      // The door cannot be restored in place (its port taken inside): start the sandbox anew.
      return await start(ctx, instance);
    }
    writeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle), handle);
    return handle;
  },
  async delete(ctx, instance): Promise<void> {
    const handle = currentHandle(ctx, instance);
    if (handle) await getBackend(handle.backend).stop(handle);
    removeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle));
  },
});

export function sandboxNodes(bottle: BottleContext): ResourceNode[] {
  const { paths, id, templates } = bottle;
  const clis = templates.map((template) => ({
    template,
    inputs: agentCliInputs(template, bottle.options.cacheDir),
  }));
  const inputs: SandboxInputs = {
    backend: bottle.manifest.backend,
    bottle: bottle.name,
    workspaceDir: paths.workspaceDir,
    homeDir: paths.homeDir,
    runDir: paths.runDir,
    backendDir: paths.backendDir,
    trustDir: paths.trustDir,
    services: DOOR_SERVICES.map((service) => ({ ...service })),
    env: bottle.env,
  };
  // docker only (bwrap bottles keep the inputs they had, so an upgrade replaces nothing).
  const image = dockerImageNodes(bottle)[0];
  if (image) {
    inputs.owner = { project: bottle.options.project, stateDb: stateDbOf(bottle) };
    inputs.image = String(image.inputs.tag);
    inputs.limits = { ...bottle.manifest.limits };
  }
  if (clis.length > 0) {
    inputs.roBinds = clis.map((cli) => ({ host: cli.inputs.dir, inside: cli.template.mountAt }));
    inputs.extraPath = clis.map(({ template }) => `${template.mountAt}/${template.binDir}`);
  }
  return [sandboxProvider.node({
    id: id("sandbox"),
    bottle: bottle.name,
    inputs,
    dependsOn: [
      id("door"),
      id("workspace"),
      id("trust_store"),
      id("sidecar_bundle"),
      ...templates.map((template) => agentCliId(bottle.name, template)),
      ...(image ? [image.id] : []),
    ],
    replaceWith: [
      id("door"),
      id("workspace"),
      id("trust_store"),
      id("bottle_dir"),
      ...(image ? [image.id] : []),
    ],
  })];
}

/**
 * The recorded sandbox of a state row: the spec it was started with, and its handle (null
 * before it started). For readers of state such as `bottle exec`; a row that does not parse
 * is a RecordError naming it.
 */
export function parseSandboxRecord(
  record: { id: string; inputs: JsonObject; outputs: JsonObject | null },
): { spec: SandboxSpec; handle: SandboxHandle | null } {
  return {
    spec: specOf(sandboxProvider.inputsOf(record)),
    handle: sandboxProvider.outputsOf(record),
  };
}

async function start(ctx: ProviderContext, instance: SandboxInstance): Promise<SandboxHandle> {
  const backend = getBackend(instance.inputs.backend);
  const previous = currentHandle(ctx, instance);
  if (previous) await getBackend(previous.backend).stop(previous);
  const handle = await backend.start(specOf(instance.inputs));
  writeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle), handle);
  return handle;
}

/** The handle recorded in state, else the handle file, else what the backend finds running. */
function currentHandle(ctx: ProviderContext, instance: SandboxInstance): SandboxHandle | null {
  return instance.outputs ?? readSandboxHandle(ctx.stateDir, instance.bottle) ??
    getBackend(instance.inputs.backend).find(specOf(instance.inputs));
}

function specOf(inputs: SandboxInputs): SandboxSpec {
  const { backend: _backend, ...spec } = inputs;
  return spec;
}
