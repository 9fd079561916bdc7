/**
 * The application layer: the operations the CLI, a dashboard or a program calls. Each takes
 * a Session (openSession), returns a typed result, and reports progress as AppEvents through
 * an optional `onEvent` callback instead of printing. The locking rules (the writer lock and a
 * backup before every write, readers that wait for writers) are kept here.
 *
 * @module
 */
export { openSession, resourceTypes } from "./session.ts";
export type { Session, SessionOptions } from "./session.ts";
export { UserError } from "./errors.ts";
export type { AppEvent, EventSink, Observed } from "./events.ts";
export type { Duration } from "./duration.ts";
export type { LockOptions } from "./locking.ts";

export { plan } from "./plan.ts";
export type { PlanReport, PlanRequest } from "./plan.ts";
export { apply } from "./apply.ts";
export type { ApplyReport, ApplyRequest, Approval } from "./apply.ts";
export { destroy } from "./destroy.ts";
export type { DestroyRequest } from "./destroy.ts";
export type { ExecuteOptions, Execution } from "./execute.ts";
export { drift } from "./drift.ts";
export type { DriftReport, DriftRequest } from "./drift.ts";
export { listBottles } from "./list.ts";
export type { BottleList, BottleStatus } from "./list.ts";
export { cleanup, KIND_ORDER } from "./cleanup/mod.ts";
export type {
  CleanupPlan,
  CleanupReport,
  CleanupRequest,
  Orphan,
  OrphanKind,
  OrphanTarget,
  ReapResult,
} from "./cleanup/mod.ts";
export type { BottleHealth, Health } from "./bottle_health.ts";
export { recordedResources } from "./show.ts";
export type { RecordedResources } from "./show.ts";
export { validate } from "./validate.ts";
export type { ValidateRequest, ValidationReport } from "./validate.ts";

export { forgetResources, removeStateLock, stateResource, stateResources } from "./state.ts";
export type { ForgetReport, ForgetRequest, StateResources } from "./state.ts";
export {
  adoptRunningBottles,
  assertStateHealthy,
  checkState,
  restoreStateBackup,
} from "./state_repair.ts";
export type {
  AdoptReport,
  RestoreCandidate,
  RestoreReport,
  RestoreRequest,
  StateCheck,
  StateLocation,
} from "./state_repair.ts";

export { PlanFileError } from "./plan_file.ts";
export { readPlanFile, writePlanFile } from "./plan_file_io.ts";
export type { UnsetSecret } from "./unset_secrets.ts";

export { execInBottle, execInSandbox, findSandbox, runningSandbox } from "./sandbox.ts";
export type { ExecRequest, ExecResult, RecordedSandbox, RunningSandbox } from "./sandbox.ts";
export { findAgent, hasConversation } from "./agents.ts";
export type { AppliedAgent } from "./agents.ts";
export { exportBottle } from "./export.ts";
export type { ExportedRef, ExportReport, ExportRequest } from "./export.ts";
export { logPath, readLog } from "./logs.ts";
export type { LogKind, LogRequest } from "./logs.ts";
export { availableBackends, preflightPlan, sandboxBackends } from "./backends.ts";
export type { BackendLookup } from "./backends.ts";
