/**
 * The git gate's policy file (`gate/gate.json`, see sidecars/gitgate/wire.ts), rendered from
 * the bottle's `git:` upstreams. A changed upstream or push rule is an in-place update: the
 * file is replaced, the running gate reloads (SIGHUP), and the update completes once the
 * gate reports the new policy in force.
 */

import { join } from "node:path";
import { z } from "zod";
import type { ResourceNode } from "../engine/graph.ts";
import { jsonObjectOf, type SameShape } from "../engine/json_data.ts";
import type { ProviderContext } from "../engine/provider.ts";
import type { Instance } from "../engine/resource_type.ts";
import { canonicalJson } from "../lib/json.ts";
import { parseGitRemote } from "../manifest/git_remote.ts";
import type { GitUpstream } from "../manifest/types.ts";
import {
  GATE_POLICY_FILE,
  type GateCredential,
  type GatePolicy,
  type GatePushPolicy,
} from "../sidecars/gitgate/wire.ts";
import type { BottleContext } from "./bottle_context.ts";
import { defineFileResource, type FileOutputs } from "./file_provider.ts";
import { gateIdentities, loadedReport, reloadGate, runningGate } from "./git_gate_process.ts";
import { mirrorId } from "./git_mirror.ts";
import { gateGrants } from "./supervise_grants.ts";
import { sha256Hex } from "../lib/sha256.ts";

/** Defaults of the manifest's `push:` (README "Git gate"). */
export const DEFAULT_MAX_PUSH_BYTES = 100 * 1024 * 1024;
const FETCH_CACHE_SECONDS = 2;

const identity = z.object({ name: z.string(), email: z.string() });
const credential = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ssh-key"), key_file: z.string(), known_hosts_file: z.string() }),
  z.object({ kind: z.literal("token"), token_file: z.string(), username: z.string() }),
  z.object({ kind: z.literal("none"), known_hosts_file: z.string().optional() }),
]);
const push = z.object({
  protected_branches: z.array(z.string()),
  branches: z.array(z.string()),
  force: z.array(z.string()),
  delete: z.array(z.string()),
  tags: z.boolean(),
  protected_paths: z.array(z.string()),
  max_push_bytes: z.number(),
  require_identity: z.array(identity).optional(),
});
const upstream = z.object({
  name: z.string(),
  remote: z.string(),
  host: z.string(),
  mirror: z.string(),
  credential,
  push,
});
const dlpRule = z.object({
  action: z.enum(["block", "warn"]).optional(),
  exempt_hosts: z.array(z.string()).optional(),
});
export const gatePolicySchema = z.object({
  version: z.literal(1),
  bottle: z.string(),
  upstreams: z.array(upstream),
  dlp: z.object({ rules: z.record(z.string(), dlpRule).optional() }),
  fetch_cache_seconds: z.number(),
  grants: z.array(z.object({
    upstream: z.string(),
    branch: z.string(),
    expires_at: z.string().optional(),
    request: z.number(),
  })).optional(),
  supervise: z.boolean().optional(),
});
const _credential: SameShape<z.infer<typeof credential>, GateCredential> = true;
const _push: SameShape<z.infer<typeof push>, GatePushPolicy> = true;
const _policy: SameShape<z.infer<typeof gatePolicySchema>, GatePolicy> = true;

export const gitGatePolicyInputs = z.object({ path: z.string(), policy: gatePolicySchema });
export type GitGatePolicyInputs = z.infer<typeof gitGatePolicyInputs>;
type PolicyInstance = Instance<GitGatePolicyInputs, FileOutputs>;

export const gitGatePolicyProvider = defineFileResource({
  type: "git_gate_policy",
  inputs: gitGatePolicyInputs,
  what: "git gate policy file",
  render: (_ctx: ProviderContext, instance: PolicyInstance): string =>
    policyText(instance.inputs.policy),
  drift(ctx: ProviderContext, instance: PolicyInstance, text: string): string[] {
    const sha256 = sha256Hex(text);
    const drift = sha256 === sha256Hex(policyText(instance.inputs.policy))
      ? []
      : ["the git gate policy file differs from the manifests"];
    const loaded = loadedPolicy(instance.inputs.path);
    if (runningGate(ctx, instance.bottle) && loaded !== null && loaded !== sha256) {
      drift.push("the git gate is running an older policy than the file");
    }
    return drift;
  },
  afterWrite: (ctx: ProviderContext, instance: PolicyInstance, sha256: string): Promise<void> =>
    reloadGate(ctx, instance.bottle, "policy", sha256),
});

/** The policy sha256 the gate reports in force, or null. */
function loadedPolicy(policyPath: string): string | null {
  return loadedReport(join(policyPath, ".."))?.sha256 ?? null;
}

function policyText(policy: GatePolicy): string {
  return canonicalJson(jsonObjectOf(policy, "the git gate policy")) + "\n";
}

export function gitGatePolicyNodes(bottle: BottleContext): ResourceNode[] {
  if (Object.keys(bottle.manifest.git).length === 0) return [];
  return [gitGatePolicyProvider.node({
    id: bottle.id("git_gate_policy"),
    bottle: bottle.name,
    inputs: { path: join(bottle.paths.gateDir, GATE_POLICY_FILE), policy: gatePolicy(bottle) },
    notes: gateGrants(bottle).notes,
    dependsOn: [
      bottle.id("git_gate_dir"),
      bottle.id("git_credentials"),
      ...Object.keys(bottle.manifest.git).map((name) => mirrorId(bottle, name)),
    ],
  })];
}

/** The gate's policy for a bottle: one entry per `git:` upstream, defaults filled in. */
export function gatePolicy(bottle: BottleContext): GatePolicy {
  const identities = gateIdentities(bottle);
  const granted = gateGrants(bottle).grants;
  return {
    version: 1,
    bottle: bottle.name,
    upstreams: Object.entries(bottle.manifest.git).map(([name, spec]) => ({
      name,
      remote: spec.remote,
      host: parseGitRemote(spec.remote).host,
      mirror: join(bottle.paths.gateDir, "mirrors", `${name}.git`),
      credential: gateCredential(bottle.paths.gateDir, name, spec),
      push: pushPolicy(spec, identities),
    })),
    dlp: bottle.manifest.egress.dlp?.rules ? { rules: bottle.manifest.egress.dlp.rules } : {},
    fetch_cache_seconds: FETCH_CACHE_SECONDS,
    ...(granted.length > 0 ? { grants: granted } : {}),
    ...(bottle.manifest.supervise.enabled ? { supervise: true } : {}),
  };
}

/** Where the gate finds an upstream's credential (git_credentials.ts writes the files). */
export function gateCredential(gateDir: string, name: string, spec: GitUpstream): GateCredential {
  const file = (suffix: string): string => join(gateDir, "credentials", `${name}.${suffix}`);
  if (parseGitRemote(spec.remote).transport === "ssh") {
    return spec.credential
      ? { kind: "ssh-key", key_file: file("key"), known_hosts_file: file("known_hosts") }
      : { kind: "none", known_hosts_file: file("known_hosts") };
  }
  return spec.credential
    ? { kind: "token", token_file: file("token"), username: spec.username ?? "x-access-token" }
    : { kind: "none" };
}

function pushPolicy(
  spec: GitUpstream,
  identities: { name: string; email: string }[],
): GatePushPolicy {
  const rules = spec.push ?? {};
  return {
    protected_branches: spec.protected_branches,
    branches: rules.branches ?? ["**"],
    force: rules.force ?? [],
    delete: rules.delete ?? [],
    tags: rules.tags ?? false,
    protected_paths: rules.protected_paths ?? [],
    max_push_bytes: rules.max_bytes ?? DEFAULT_MAX_PUSH_BYTES,
    ...(rules.require_identity ? { require_identity: identities } : {}),
  };
}
