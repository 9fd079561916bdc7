import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import type { SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import { getBackend } from "../backends/mod.ts";
import { readHandle, removeHandle, sandboxHandlePath, writeHandle } from "./handle_file.ts";

/** The bottle's long-lived sandbox on its backend. Any input change replaces it. */
export const sandboxProvider: Provider = {
  type: "sandbox",
  replaceKeys: [],
  repairsDriftInPlace: true,
  read(ctx, instance): Promise<ReadResult> {
    const handle = sandboxHandleOf(ctx, instance) ??
      getBackend(String(instance.inputs.backend)).find(sandboxSpecOf(instance));
    if (!handle) return Promise.resolve({ status: "missing", reason: "no sandbox was started" });
    const status = getBackend(handle.backend).status(handle);
    if (status.state === "gone") {
      return Promise.resolve({ status: "missing", reason: `sandbox ${status.reason}` });
    }
    return Promise.resolve({
      status: "found",
      outputs: handle as unknown as JsonObject,
      drift: status.problems,
    });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, false);
  },
  async create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const backend = getBackend(String(instance.inputs.backend));
    const spec = sandboxSpecOf(instance);
    const previous = sandboxHandleOf(ctx, instance) ?? backend.find(spec);
    if (previous) await getBackend(previous.backend).stop(previous);
    const handle = await backend.start(spec);
    writeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle), handle);
    return handle as unknown as JsonObject;
  },
  /** Only drift reaches here (every input change replaces): a dead door, repaired in place. */
  async update(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const backend = getBackend(String(instance.inputs.backend));
    const spec = sandboxSpecOf(instance);
    const current = sandboxHandleOf(ctx, instance) ?? backend.find(spec);
    const running = current && getBackend(current.backend).status(current).state === "running";
    if (!current || !running) return await this.create(ctx, instance);
    let handle: SandboxHandle;
    try {
      handle = await getBackend(current.backend).repair(current, spec);
    } catch {
      // The door cannot be restored in place (its port taken inside): start the sandbox anew.
      return await this.create(ctx, instance);
    }
    writeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle), handle);
    return handle as unknown as JsonObject;
  },
  async delete(ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const backend = getBackend(String(instance.inputs.backend));
    const handle = sandboxHandleOf(ctx, instance) ?? backend.find(sandboxSpecOf(instance));
    if (handle) await getBackend(handle.backend).stop(handle);
    removeHandle(sandboxHandlePath(ctx.stateDir, instance.bottle));
  },
};

export function sandboxSpecOf(instance: { inputs: JsonObject }): SandboxSpec {
  const { backend: _backend, ...spec } = instance.inputs;
  return spec as unknown as SandboxSpec;
}

export function sandboxHandleOf(
  ctx: ProviderContext,
  instance: { bottle: string; outputs: JsonObject | null },
): SandboxHandle | null {
  const outputs = instance.outputs;
  if (outputs && typeof outputs.init === "object") return outputs as unknown as SandboxHandle;
  return readHandle<SandboxHandle>(sandboxHandlePath(ctx.stateDir, instance.bottle));
}
