import { readBoundedText } from "../lib/bounded_read.ts";
import { CA_FILE_LIMIT } from "../manifest/limits.ts";
import type { JsonObject } from "../lib/json.ts";
import { canonicalJson } from "../lib/json.ts";
import type { ProviderContext, ResourceInstance } from "../engine/provider.ts";
import { compilePolicy, type EgressPolicy, policySha256 } from "../sidecars/egress/mod.ts";
import { loadedMarker, reloadAndWait, runningBundle } from "./bundle_reload.ts";
import { fileProvider } from "./file_provider.ts";
import { expandHome } from "./secret_source.ts";

/**
 * The egress policy file. A changed allowlist is an in-place update: the file is replaced
 * atomically, the running bundle is told to reload (SIGHUP), and the update completes only
 * once the proxy reports the new policy in force; no sidecar or sandbox restarts.
 */
export const egressPolicyProvider = fileProvider({
  type: "egress_policy",
  what: "policy file",
  render(ctx: ProviderContext, instance: ResourceInstance): string {
    const text = policyText(instance, ctx.env);
    compilePolicy(JSON.parse(text) as EgressPolicy);
    return text;
  },
  drift(ctx: ProviderContext, instance: ResourceInstance, text: string): string[] {
    const sha256 = policySha256(text);
    const drift: string[] = [];
    try {
      if (sha256 !== policySha256(policyText(instance, ctx.env))) {
        drift.push("the policy file differs from the manifests (edited, or a route CA changed)");
      }
    } catch (error) {
      drift.push((error as Error).message);
    }
    const loaded = loadedMarker(ctx, instance.bottle);
    if (runningBundle(ctx, instance.bottle) && loaded !== null && !loaded.startsWith(sha256)) {
      drift.push("the egress proxy is running an older policy than the file");
    }
    return drift;
  },
  afterWrite(ctx: ProviderContext, instance: ResourceInstance, sha256: string): Promise<void> {
    return reloadAndWait(ctx, instance.bottle, (marker) => marker?.startsWith(sha256) ?? false);
  },
});

/**
 * The policy file's exact text. A route's `upstream_ca_file` is read here and written inline
 * as `upstream_ca_pem`: the daemon may only read what it was allowed at start, and a CA file
 * added later must still hot-reload. An unreadable or non-PEM file fails the apply, before
 * anything is written, so the running policy stays in force.
 */
function policyText(instance: ResourceInstance, env: Record<string, string>): string {
  const policy = instance.inputs.policy as unknown as EgressPolicy;
  const routes = policy.routes.map((route) => {
    if (!route.upstream_ca_file) return route;
    const { upstream_ca_file: file, ...rest } = route;
    return { ...rest, upstream_ca_pem: readPem(route.host, expandHome(file, env)) };
  });
  return canonicalJson({ ...policy, routes } as unknown as JsonObject) + "\n";
}

function readPem(host: string, path: string): string {
  let text = "";
  try {
    text = readBoundedText(path, CA_FILE_LIMIT);
  } catch (error) {
    throw new Error(
      `route ${host}: cannot read upstream_ca_file ${path}: ${(error as Error).message}`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`route ${host}: upstream_ca_file ${path} holds no PEM certificate`);
  }
  return text;
}
