import assert from "node:assert/strict";
import type { BottleManifest } from "../manifest/types.ts";
import { superviseSpec } from "../manifest/defaults.ts";
import { testBottle, testCompileOptions } from "./testing.ts";
import type { SuperviseGrant } from "../sidecars/supervise/queue.ts";
import { compileBottle } from "./compile.ts";
import type { CompileOptions } from "./bottle_context.ts";

function grant(id: number, fields: Partial<SuperviseGrant>): SuperviseGrant {
  return {
    id,
    request_id: id + 10,
    project: "/project",
    bottle: "dev",
    agent: "coder",
    kind: "egress",
    payload: { host: "api.example.org" },
    granted_by: "op",
    granted_at: "2026-12-06T10:00:00.000Z",
    expires_at: null,
    revoked_at: null,
    persisted_at: null,
    ...fields,
  };
}

const GRANTS = [
  grant(1, { payload: { host: "api.example.org", port: 8443, path_prefix: "/v1/" } }),
  grant(2, { expires_at: "2026-12-06T14:00:00.000Z" }),
  grant(3, { bottle: "other" }),
  grant(4, { kind: "git", payload: { upstream: "app", branch: "fix/*" } }),
  grant(5, { kind: "git", payload: { upstream: "gone", branch: "x" } }),
];

function options(grants: readonly SuperviseGrant[]): CompileOptions {
  return testCompileOptions({
    describeSecret: () => ({ placeholder: "ph", fingerprint: "fp" }),
    fingerprintSecret: () => "fp",
    grants,
  });
}

function bottle(enabled: boolean): BottleManifest {
  return testBottle({
    file: "/project/bottles/dev.md",
    git: {
      app: {
        remote: "https://git.example.com/org/app.git",
        protected_branches: ["main"],
        push: { branches: ["agent/*"] },
      },
    },
    supervise: superviseSpec({ enabled }),
  });
}

Deno.test("supervise grants: layered into the egress and gate policies, with provenance notes", () => {
  const nodes = compileBottle(bottle(true), options(GRANTS));
  const egress = nodes.find((node) => node.id === "egress_policy.dev");
  const policy = egress?.inputs.policy as Record<string, unknown>;
  assert.deepEqual(policy.grants, [
    { host: "api.example.org", port: 8443, path_prefix: "/v1/", request: 11 },
    { host: "api.example.org", expires_at: "2026-12-06T14:00:00.000Z", request: 12 },
  ]);
  assert.equal(policy.supervise, true);
  assert.deepEqual(egress?.notes, [
    "allow api.example.org:8443/v1/ (granted: request 11, until revoked)",
    "allow api.example.org (granted: request 12, expires 2026-12-06 14:00 UTC)",
  ]);
  const gate = nodes.find((node) => node.id === "git_gate_policy.dev");
  assert.deepEqual((gate?.inputs.policy as Record<string, unknown>).grants, [
    { upstream: "app", branch: "fix/*", request: 14 },
  ], "a grant for an upstream no longer declared is left out");
  assert.deepEqual(gate?.notes, ["push app fix/* (granted: request 14, until revoked)"]);
  const supervise = nodes.find((node) => node.id === "supervise.dev");
  assert.deepEqual(supervise?.inputs.kinds, ["egress", "git", "ask"]);
  assert.deepEqual(supervise?.dependsOn, ["door.dev", "egress_policy.dev", "git_gate_policy.dev"]);
});

Deno.test("supervise grants: a bottle without supervise gets none, and no server", () => {
  const nodes = compileBottle(bottle(false), options(GRANTS));
  const policy = nodes.find((node) => node.id === "egress_policy.dev")?.inputs.policy;
  assert.equal((policy as Record<string, unknown>).grants, undefined);
  assert.equal((policy as Record<string, unknown>).supervise, undefined);
  assert.ok(!nodes.some((node) => node.type === "supervise"));
  assert.ok(nodes.every((node) => node.notes === undefined));
});
