import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { bundleStatus, findBundle, startBundle, stopBundle } from "../sidecars/bundle/launch.ts";
import type { BundleHandle, BundleSpec } from "../sidecars/bundle/types.ts";
import { bundleHandlePath, readHandle, removeHandle, writeHandle } from "./handle_file.ts";

/** The bottle's sidecar bundle: one supervised process tree outside the sandbox. */
export const sidecarBundleProvider: Provider = {
  type: "sidecar_bundle",
  replaceKeys: [],
  repairsDriftInPlace: false,
  read(ctx, instance): Promise<ReadResult> {
    const handle = handleOf(ctx, instance);
    if (!handle) return Promise.resolve({ status: "missing", reason: "no bundle was started" });
    const status = bundleStatus(handle);
    if (status.state === "gone") {
      return Promise.resolve({ status: "missing", reason: `sidecar bundle ${status.reason}` });
    }
    return Promise.resolve({
      status: "found",
      outputs: handle as unknown as JsonObject,
      drift: [],
    });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, false);
  },
  async create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    const previous = handleOf(ctx, instance);
    if (previous) await stopBundle(previous);
    const handle = await startBundle(instance.inputs as unknown as BundleSpec);
    writeHandle(bundleHandlePath(ctx.stateDir, instance.bottle), handle);
    return handle as unknown as JsonObject;
  },
  async delete(ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    const handle = handleOf(ctx, instance);
    if (handle) await stopBundle(handle);
    removeHandle(bundleHandlePath(ctx.stateDir, instance.bottle));
  },
};

function handleOf(ctx: ProviderContext, instance: ResourceInstance): BundleHandle | null {
  const outputs = instance.outputs;
  if (outputs && typeof outputs.supervisor === "object") return outputs as unknown as BundleHandle;
  return readHandle<BundleHandle>(bundleHandlePath(ctx.stateDir, instance.bottle)) ??
    findBundle(String(instance.inputs.runDir));
}
