import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { JsonObject } from "../lib/json.ts";
import { canonicalJson } from "../lib/json.ts";
import { diffInputs } from "../engine/diff.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "../engine/provider.ts";
import { compilePolicy } from "../sidecars/egress/decide.ts";
import type { EgressPolicy } from "../sidecars/egress/policy.ts";
import { bundleHandlePath, readHandle } from "./handle_file.ts";
import type { BundleHandle } from "../sidecars/bundle/types.ts";
import { reloadBundle } from "../sidecars/bundle/launch.ts";

/**
 * The egress policy file. A changed allowlist is an in-place update: the file is
 * replaced atomically and the running bundle is told to reload (SIGHUP); no restart.
 */
export const egressPolicyProvider: Provider = {
  type: "egress_policy",
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  read(_ctx, instance): Promise<ReadResult> {
    const path = String(instance.inputs.path);
    if (!existsSync(path)) {
      return Promise.resolve({ status: "missing", reason: `policy file ${path} does not exist` });
    }
    const hash = sha256(readFileSync(path, "utf8"));
    const drift = hash === policyHash(instance) ? [] : [`policy file ${path} was modified`];
    return Promise.resolve({ status: "found", outputs: { sha256: hash }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return Promise.resolve(write(ctx.stateDir, instance));
  },
  update(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return Promise.resolve(write(ctx.stateDir, instance));
  },
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(String(instance.inputs.path), { force: true });
    return Promise.resolve();
  },
};

function write(stateDir: string, instance: ResourceInstance): JsonObject {
  const policy = instance.inputs.policy as unknown as EgressPolicy;
  compilePolicy(policy);
  const path = String(instance.inputs.path);
  const text = policyText(instance);
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  const bundle = readHandle<BundleHandle>(bundleHandlePath(stateDir, instance.bottle));
  const reloaded = bundle ? reloadBundle(bundle) : false;
  return { sha256: sha256(text), reloaded };
}

function policyText(instance: ResourceInstance): string {
  return canonicalJson(instance.inputs.policy) + "\n";
}

function policyHash(instance: ResourceInstance): string {
  return sha256(policyText(instance));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
