import type { JsonObject } from "../lib/json.ts";
import type { ResourceNode } from "./graph.ts";
import { topologicalSort } from "./graph.ts";
import type { DiffResult, ReadResult } from "./provider.ts";
import type { ResourceRecord } from "./state.ts";

/**
 * `settle` marks a step that an interrupted run left journalled but that `read` found
 * complete and matching: apply only commits it, with no side effect.
 */
export type ActionKind = "create" | "update" | "replace" | "delete" | "noop" | "settle";

export interface PlannedAction {
  id: string;
  type: string;
  bottle: string;
  kind: ActionKind;
  /** Why this action, in words for the operator. */
  reasons: string[];
  changed: string[];
  forcesReplacement: string[];
  /** Recorded inputs (null when not in state). */
  before: JsonObject | null;
  /** Desired node (null for delete). */
  node: ResourceNode | null;
  /** The recorded resource (null when not in state). */
  record: ResourceRecord | null;
  /** What `read` observed, for `settle` to record (an interrupted step left no outputs). */
  observed?: JsonObject;
}

export type PlanMode = "apply" | "destroy";

export interface Plan {
  format: 1;
  mode: PlanMode;
  project: string;
  /** The project's state serial the plan was made against. */
  serial: number;
  createdAt: string;
  actions: PlannedAction[];
  /** Set by `--target`: the plan covers only these ids and what they need. */
  targets?: string[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

export interface PlanInput {
  mode: PlanMode;
  project: string;
  serial: number;
  desired: ResourceNode[];
  records: ResourceRecord[];
  /** Live reads by id, for records (destroy needs none). */
  reads: Map<string, ReadResult>;
  diff: (type: string, desired: JsonObject, recorded: JsonObject) => DiffResult;
  repairsDriftInPlace: (type: string) => boolean;
  now?: Date;
}

export class PlanError extends Error {
  override name = "PlanError";
}

/** The planner: a pure function of desired graph, recorded state and live reads. */
export function planChanges(input: PlanInput): Plan {
  const records = new Map(input.records.map((record) => [record.id, record]));
  const desired = input.mode === "destroy"
    ? []
    : topologicalSort(input.desired, (n) => n.dependsOn);
  const desiredIds = new Set(desired.map((node) => node.id));
  const unreadable = input.records.filter((record) =>
    desiredIds.has(record.id) && input.reads.get(record.id)?.status === "error"
  );
  if (unreadable.length > 0) {
    const lines = unreadable.map((record) => {
      const read = input.reads.get(record.id);
      return `  ${record.id}: ${read?.status === "error" ? read.message : "unknown"}`;
    });
    throw new PlanError(`could not read the live state of:\n${lines.join("\n")}`);
  }

  const actions: PlannedAction[] = [];
  const rebuilt = new Set<string>();
  for (const node of desired) {
    const action = planNode(node, records.get(node.id) ?? null, input, rebuilt);
    if (action.kind === "create" || action.kind === "replace") rebuilt.add(node.id);
    actions.push(action);
  }
  const removed = input.records.filter((record) => !desiredIds.has(record.id));
  const removalOrder = topologicalSort(removed, (record) => record.dependsOn, true).reverse();
  for (const record of removalOrder) {
    actions.push({
      id: record.id,
      type: record.type,
      bottle: record.bottle,
      kind: "delete",
      reasons: [input.mode === "destroy" ? "destroy" : "no longer in the manifests"],
      changed: [],
      forcesReplacement: [],
      before: record.inputs,
      node: null,
      record,
    });
  }
  return {
    format: 1,
    mode: input.mode,
    project: input.project,
    serial: input.serial,
    createdAt: (input.now ?? new Date()).toISOString(),
    actions,
  };
}

function planNode(
  node: ResourceNode,
  record: ResourceRecord | null,
  input: PlanInput,
  rebuilt: Set<string>,
): PlannedAction {
  const base = {
    id: node.id,
    type: node.type,
    bottle: node.bottle,
    node,
    record,
    before: record?.inputs ?? null,
  };
  if (!record) {
    return { ...base, kind: "create", reasons: [], changed: [], forcesReplacement: [] };
  }
  const read = input.reads.get(node.id);
  if (!read || read.status === "missing") {
    const why = read?.status === "missing" ? read.reason : "not observed";
    return {
      ...base,
      kind: "create",
      reasons: [`gone: ${why}`],
      changed: [],
      forcesReplacement: [],
    };
  }
  if (read.status === "error") throw new PlanError(`${node.id}: ${read.message}`);
  if (record.type !== node.type) {
    return {
      ...base,
      kind: "replace",
      reasons: [`type changed from ${record.type}`],
      changed: ["type"],
      forcesReplacement: ["type"],
    };
  }
  const diff = input.diff(node.type, node.inputs, record.inputs);
  const reasons = read.drift.map((item) => `drifted: ${item}`);
  let kind: ActionKind = diff.action;
  if (kind === "noop" && read.drift.length > 0) {
    kind = input.repairsDriftInPlace(node.type) ? "update" : "replace";
  } else if (kind === "update" && read.drift.length > 0 && !input.repairsDriftInPlace(node.type)) {
    kind = "replace";
  }
  const cascade = node.replaceWith.filter((dep) => rebuilt.has(dep));
  if (cascade.length > 0 && kind !== "replace") {
    kind = "replace";
    reasons.push(`replaced because ${cascade.join(", ")} is rebuilt`);
  }
  if (kind === "noop" && record.status !== "ready") {
    reasons.push(`an interrupted ${record.status} step is complete`);
    return {
      ...base,
      kind: "settle",
      reasons,
      changed: [],
      forcesReplacement: [],
      observed: read.outputs,
    };
  }
  return {
    ...base,
    kind,
    reasons,
    changed: diff.changed,
    forcesReplacement: diff.forcesReplacement,
  };
}

export function summarize(plan: Plan): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  for (const action of plan.actions) {
    if (action.kind === "create") summary.add++;
    if (action.kind === "update") summary.change++;
    if (action.kind === "delete") summary.destroy++;
    if (action.kind === "replace") {
      summary.add++;
      summary.destroy++;
    }
  }
  return summary;
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.some((action) => action.kind !== "noop");
}
