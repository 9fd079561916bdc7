import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
import { bottleDir } from "../engine/state_dir.ts";
import { compilePolicy } from "../sidecars/egress/decide.ts";
import type { EgressPolicy } from "../sidecars/egress/policy.ts";
import { LOADED_POLICY_FILE, policySha256 } from "../sidecars/egress/policy_file.ts";
import { bundleStatus, reloadBundle } from "../sidecars/bundle/launch.ts";
import type { BundleHandle } from "../sidecars/bundle/types.ts";
import { bundleHandlePath, readHandle } from "./handle_file.ts";

const RELOAD_TIMEOUT_MS = 3000;

/**
 * The egress policy file. A changed allowlist is an in-place update: the file is replaced
 * atomically, the running bundle is told to reload (SIGHUP), and the update completes only
 * once the proxy reports the new policy in force; no sidecar or sandbox restarts.
 */
export const egressPolicyProvider: Provider = {
  type: "egress_policy",
  replaceKeys: ["path"],
  repairsDriftInPlace: true,
  read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
    const path = String(instance.inputs.path);
    if (!existsSync(path)) {
      return Promise.resolve({ status: "missing", reason: `policy file ${path} does not exist` });
    }
    const sha256 = policySha256(readFileSync(path, "utf8"));
    const drift: string[] = [];
    if (sha256 !== policySha256(policyText(instance))) {
      drift.push(`policy file ${path} was modified`);
    }
    const loaded = loadedSha256(ctx, instance.bottle);
    if (runningBundle(ctx, instance.bottle) && loaded !== null && loaded !== sha256) {
      drift.push("the egress proxy is running an older policy than the file");
    }
    return Promise.resolve({ status: "found", outputs: { sha256 }, drift });
  },
  diff(desired: JsonObject, recorded: JsonObject): DiffResult {
    return diffInputs(desired, recorded, this.replaceKeys, true);
  },
  create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return write(ctx, instance);
  },
  update(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
    return write(ctx, instance);
  },
  delete(_ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
    rmSync(String(instance.inputs.path), { force: true });
    return Promise.resolve();
  },
};

async function write(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
  compilePolicy(instance.inputs.policy as unknown as EgressPolicy);
  const path = String(instance.inputs.path);
  const text = policyText(instance);
  const sha256 = policySha256(text);
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  const bundle = runningBundle(ctx, instance.bottle);
  if (bundle && reloadBundle(bundle)) await waitForLoaded(ctx, instance.bottle, sha256);
  return { sha256 };
}

async function waitForLoaded(ctx: ProviderContext, bottle: string, sha256: string): Promise<void> {
  const deadline = Date.now() + RELOAD_TIMEOUT_MS;
  while (loadedSha256(ctx, bottle) !== sha256) {
    if (Date.now() > deadline) {
      const log = join(bottleDir(ctx.stateDir, bottle), "logs", "bundle.log");
      throw new Error(
        `the egress proxy did not load the new policy within ${RELOAD_TIMEOUT_MS / 1000}s; ` +
          `the previous policy stays in force (see ${log})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function runningBundle(ctx: ProviderContext, bottle: string): BundleHandle | null {
  const handle = readHandle<BundleHandle>(bundleHandlePath(ctx.stateDir, bottle));
  return handle && bundleStatus(handle).state === "running" ? handle : null;
}

function loadedSha256(ctx: ProviderContext, bottle: string): string | null {
  const path = join(bottleDir(ctx.stateDir, bottle), "logs", LOADED_POLICY_FILE);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : null;
}

function policyText(instance: ResourceInstance): string {
  return canonicalJson(instance.inputs.policy) + "\n";
}
