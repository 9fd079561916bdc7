import { z } from "zod";
import { readBoundedText } from "../lib/bounded_read.ts";
import { CA_FILE_LIMIT } from "../manifest/limits.ts";
import { AUTH_SCHEMES } from "../manifest/schema.ts";
import type { RouteAuth } from "../manifest/types.ts";
import { canonicalJson } from "../lib/json.ts";
import type { ResourceNode } from "../engine/graph.ts";
import { jsonObjectOf, type SameShape } from "../engine/json_data.ts";
import type { ProviderContext } from "../engine/provider.ts";
import type { Instance } from "../engine/resource_type.ts";
import {
  compilePolicy,
  type DlpPolicy,
  type DlpRulePolicy,
  type EgressPolicy,
  type PolicyRoute,
} from "../sidecars/egress/mod.ts";
import { sha256Hex } from "../lib/sha256.ts";
import type { BottleContext } from "./bottle_context.ts";
import { loadedMarker, reloadAndWait, runningBundle } from "./bundle_reload.ts";
import { defineFileResource, type FileOutputs } from "./file_provider.ts";
import { expandHome, secretSourceSchema } from "./secret_source.ts";
import { egressGrants } from "./supervise_grants.ts";

const routeAuth = z.object({
  scheme: z.enum(AUTH_SCHEMES),
  header: z.string().optional(),
  secret: secretSourceSchema,
  agent_env: z.string().optional(),
});
const policyRoute = z.object({
  host: z.string(),
  path_prefix: z.string().optional(),
  auth: routeAuth.optional(),
  passthrough: z.boolean(),
  upstream: z.string().optional(),
  upstream_ca_file: z.string().optional(),
  upstream_ca_pem: z.string().optional(),
});
const dlpRule = z.object({
  action: z.enum(["block", "warn"]).optional(),
  exempt_hosts: z.array(z.string()).optional(),
});
const dlp = z.object({
  rules: z.record(z.string(), dlpRule).optional(),
  max_body_bytes: z.number().optional(),
});
/** The policy as state records it; the file inlines each route's CA (see policyText). */
export const egressPolicySchema = z.object({
  version: z.literal(1),
  bottle: z.string(),
  allow: z.array(z.string()),
  deny: z.array(z.string()),
  routes: z.array(policyRoute),
  dlp: dlp.optional(),
  grants: z.array(z.object({
    host: z.string(),
    port: z.number().optional(),
    path_prefix: z.string().optional(),
    expires_at: z.string().optional(),
    request: z.number(),
  })).optional(),
  supervise: z.boolean().optional(),
});
const _auth: SameShape<z.infer<typeof routeAuth>, RouteAuth> = true;
const _route: SameShape<z.infer<typeof policyRoute>, PolicyRoute> = true;
const _rule: SameShape<z.infer<typeof dlpRule>, DlpRulePolicy> = true;
const _dlp: SameShape<z.infer<typeof dlp>, DlpPolicy> = true;
const _policy: SameShape<z.infer<typeof egressPolicySchema>, EgressPolicy> = true;

export const egressPolicyInputs = z.object({ path: z.string(), policy: egressPolicySchema });
export type EgressPolicyInputs = z.infer<typeof egressPolicyInputs>;
type PolicyInstance = Instance<EgressPolicyInputs, FileOutputs>;

/**
 * The egress policy file. A changed allowlist is an in-place update: the file is replaced
 * atomically, the running bundle is told to reload (SIGHUP), and the update completes only
 * once the proxy reports the new policy in force; no sidecar or sandbox restarts.
 */
export const egressPolicyProvider = defineFileResource({
  type: "egress_policy",
  inputs: egressPolicyInputs,
  what: "policy file",
  render(ctx: ProviderContext, instance: PolicyInstance): string {
    const policy = renderedPolicy(instance.inputs.policy, ctx.env);
    compilePolicy(policy);
    return policyText(policy);
  },
  drift(ctx: ProviderContext, instance: PolicyInstance, text: string): string[] {
    const sha256 = sha256Hex(text);
    const drift: string[] = [];
    try {
      const wanted = policyText(renderedPolicy(instance.inputs.policy, ctx.env));
      if (sha256 !== sha256Hex(wanted)) {
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
  afterWrite(ctx: ProviderContext, instance: PolicyInstance, sha256: string): Promise<void> {
    return reloadAndWait(ctx, instance.bottle, (marker) => marker?.startsWith(sha256) ?? false);
  },
});

export function egressPolicyNodes(bottle: BottleContext): ResourceNode[] {
  const { egress } = bottle.manifest;
  const home = { HOME: bottle.options.home };
  const granted = egressGrants(bottle);
  return [egressPolicyProvider.node({
    id: bottle.id("egress_policy"),
    bottle: bottle.name,
    inputs: {
      path: bottle.paths.policyFile,
      policy: {
        version: 1,
        bottle: bottle.name,
        allow: egress.allow,
        deny: egress.deny,
        routes: egress.routes.map((route) =>
          route.upstream_ca_file
            ? { ...route, upstream_ca_file: expandHome(route.upstream_ca_file, home) }
            : route
        ),
        ...(egress.dlp ? { dlp: egress.dlp } : {}),
        ...(granted.grants.length > 0 ? { grants: granted.grants } : {}),
        ...(bottle.manifest.supervise.enabled ? { supervise: true } : {}),
      },
    },
    dependsOn: [bottle.id("bottle_dir")],
    notes: granted.notes,
  })];
}

/**
 * The policy as the file holds it. A route's `upstream_ca_file` is read here and written
 * inline as `upstream_ca_pem`: the daemon may only read what it was allowed at start, and a
 * CA file added later must still hot-reload. An unreadable or non-PEM file fails the apply,
 * before anything is written, so the running policy stays in force.
 */
function renderedPolicy(policy: EgressPolicy, env: Record<string, string>): EgressPolicy {
  const routes = policy.routes.map((route) => {
    if (!route.upstream_ca_file) return route;
    const { upstream_ca_file: file, ...rest } = route;
    return { ...rest, upstream_ca_pem: readPem(route.host, expandHome(file, env)) };
  });
  return { ...policy, routes };
}

/** The policy file's exact text. */
function policyText(policy: EgressPolicy): string {
  return canonicalJson(jsonObjectOf(policy, "the egress policy")) + "\n";
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
