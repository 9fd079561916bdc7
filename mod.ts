/**
 * bot-bottle's public API. The application layer first: the operations the CLI is built
 * from (open a session; plan, apply, destroy, drift, list, show, state operations, exec),
 * each returning a typed result and reporting progress as events. Then the parts below it:
 * manifests → resource graph → plan → apply, the state store, providers and backends.
 *
 * @module
 */
export * from "./app/mod.ts";

export { loadProject, ManifestError, ManifestErrors } from "./manifest/mod.ts";
export type {
  AgentManifest,
  BottleManifest,
  EgressRoute,
  EgressSpec,
  GitUpstream,
  GitUser,
  Project,
} from "./manifest/mod.ts";

export { GraphError, ResourceGraph, topologicalSort } from "./engine/graph.ts";
export type { ResourceNode } from "./engine/graph.ts";
export type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "./engine/provider.ts";
export { diffInputs } from "./engine/diff.ts";
export { hasChanges, planChanges, PlanError, summarize } from "./engine/plan.ts";
export type { ActionKind, Plan, PlannedAction, PlanSummary } from "./engine/plan.ts";
export { applyPlan, stepsOf } from "./engine/apply.ts";
export type { ApplyResult, Step, StepEvent } from "./engine/apply.ts";
export { detectDrift, renderDrift } from "./engine/drift.ts";
export type { DriftItem } from "./engine/drift.ts";
export { planJson, renderPlan } from "./engine/render.ts";
export { readLive } from "./engine/refresh.ts";
export { StateStore } from "./engine/state.ts";
export type { ResourceRecord } from "./engine/state.ts";
export { acquireLock, forceUnlock, LockError } from "./engine/lock.ts";
export { bottleDir, resolveStateDir } from "./engine/state_dir.ts";

export { allProviders, compileProject } from "./resources/mod.ts";
export { getBackend, PreflightError } from "./backends/mod.ts";
export type { Backend, SandboxHandle, SandboxSpec } from "./backends/backend.ts";
export { compilePolicy, decide } from "./sidecars/egress/mod.ts";
export type { EgressPolicy } from "./sidecars/egress/mod.ts";
