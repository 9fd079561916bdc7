import { dirname, join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import type { SameShape } from "../engine/json_data.ts";
import type { ProviderContext } from "../engine/provider.ts";
import { defineResource, type Instance, type Observation } from "../engine/resource_type.ts";
import type { JsonObject } from "../lib/json.ts";
import { bundleStatus, findBundle, startBundle, stopBundle } from "../sidecars/bundle/launch.ts";
import type { BundleHandle, BundleSpec } from "../sidecars/bundle/types.ts";
import type { BottleContext } from "./bottle_context.ts";
import {
  bundleHandlePath,
  bundleHandleSchema,
  readBundleHandle,
  removeHandle,
  writeHandle,
} from "./handle_file.ts";

/** `sidecar_bundle` inputs: the bundle's spec (see sidecars/bundle/types.ts). */
export const sidecarBundleInputs = z.object({
  bottle: z.string(),
  runDir: z.string(),
  policyFile: z.string(),
  logDir: z.string(),
  caDir: z.string(),
  secretsFile: z.string(),
});
const _spec: SameShape<z.infer<typeof sidecarBundleInputs>, BundleSpec> = true;

type BundleInstance = Instance<BundleSpec, BundleHandle>;

/** The bottle's sidecar bundle: one supervised process tree outside the sandbox. */
export const sidecarBundleProvider = defineResource({
  type: "sidecar_bundle",
  inputs: sidecarBundleInputs,
  outputs: bundleHandleSchema,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  upgrade: withBundleFiles,
  read(ctx, instance): Promise<Observation<BundleHandle>> {
    const handle = handleOf(ctx, instance);
    if (!handle) return Promise.resolve({ status: "missing", reason: "no bundle was started" });
    const status = bundleStatus(handle);
    if (status.state === "gone") {
      return Promise.resolve({ status: "missing", reason: `sidecar bundle ${status.reason}` });
    }
    return Promise.resolve({ status: "found", outputs: handle, drift: [] });
  },
  async create(ctx, instance): Promise<BundleHandle> {
    const previous = handleOf(ctx, instance);
    if (previous) await stopBundle(previous);
    const handle = await startBundle(instance.inputs);
    writeHandle(bundleHandlePath(ctx.stateDir, instance.bottle), handle);
    return handle;
  },
  async delete(ctx, instance): Promise<void> {
    const handle = handleOf(ctx, instance);
    if (handle) await stopBundle(handle);
    removeHandle(bundleHandlePath(ctx.stateDir, instance.bottle));
  },
});

export function sidecarBundleNodes(bottle: BottleContext): ResourceNode[] {
  const { paths, id } = bottle;
  return [sidecarBundleProvider.node({
    id: id("sidecar_bundle"),
    bottle: bottle.name,
    inputs: {
      bottle: bottle.name,
      runDir: paths.runDir,
      policyFile: paths.policyFile,
      logDir: paths.logDir,
      caDir: paths.caDir,
      secretsFile: paths.secretsFile,
    },
    dependsOn: [id("door"), id("egress_policy"), id("egress_secrets"), id("ca")],
    replaceWith: [id("door"), id("ca"), id("bottle_dir")],
  })];
}

function handleOf(ctx: ProviderContext, instance: BundleInstance): BundleHandle | null {
  return instance.outputs ?? readBundleHandle(ctx.stateDir, instance.bottle) ??
    findBundle(instance.inputs.runDir);
}

/**
 * Rows from before the bottle had a CA and secrets recorded neither file; both have always
 * lived beside the run directory (the next plan replaces such a bundle: its inputs differ).
 */
function withBundleFiles(recorded: JsonObject): JsonObject {
  const { runDir } = recorded;
  if (typeof runDir !== "string") return recorded;
  const dir = dirname(runDir);
  return {
    caDir: join(dir, "ca"),
    secretsFile: join(dir, "secrets.json"),
    ...recorded,
  };
}
