import type { JsonObject } from "../lib/json.ts";
import type { Plan, PlannedAction } from "./plan.ts";
import type { Provider, ProviderContext, ResourceInstance } from "./provider.ts";
import type { StateStore } from "./state.ts";

export type StepKind = "create" | "update" | "delete" | "settle";

export interface Step {
  key: string;
  id: string;
  kind: StepKind;
  action: PlannedAction;
  /** Keys of steps that must finish first. */
  after: string[];
}

export type StepEvent =
  | { phase: "start"; step: Step }
  | { phase: "done"; step: Step; ms: number }
  | { phase: "failed"; step: Step; ms: number; error: string }
  | { phase: "skipped"; step: Step; because: string };

export interface ApplyOptions {
  store: StateStore;
  providers: Map<string, Provider>;
  ctx: ProviderContext;
  parallelism: number;
  onEvent?: (event: StepEvent) => void;
  /** Test hook: `ID:begin` or `ID:end` kills this process at that step boundary. */
  crashAt?: string;
}

export interface ApplyResult {
  done: string[];
  failed: { key: string; error: string }[];
  skipped: string[];
}

/**
 * Turns plan actions into steps with dependency edges: creates and updates follow their
 * desired dependencies; deletes follow the deletion of whatever recorded a dependency on
 * them; a replace deletes before it creates.
 */
export function stepsOf(plan: Plan): Step[] {
  const steps = new Map<string, Step>();
  const add = (action: PlannedAction, kind: StepKind): void => {
    const key = `${kind}:${action.id}`;
    steps.set(key, { key, id: action.id, kind, action, after: [] });
  };
  for (const action of plan.actions) {
    if (action.kind === "delete" || action.kind === "replace") add(action, "delete");
    if (action.kind === "create" || action.kind === "replace") add(action, "create");
    if (action.kind === "update") add(action, "update");
    if (action.kind === "settle") add(action, "settle");
  }
  const forward = (id: string): Step | undefined =>
    steps.get(`create:${id}`) ?? steps.get(`update:${id}`) ?? steps.get(`settle:${id}`);
  for (const step of steps.values()) {
    if (step.kind === "delete") {
      for (const other of steps.values()) {
        if (other.kind === "delete" && other.action.record?.dependsOn.includes(step.id)) {
          step.after.push(other.key);
        }
      }
      continue;
    }
    for (const dep of step.action.node?.dependsOn ?? []) {
      const before = forward(dep);
      if (before) step.after.push(before.key);
    }
    if (step.kind === "create" && steps.has(`delete:${step.id}`)) {
      step.after.push(`delete:${step.id}`);
    }
  }
  return [...steps.values()];
}

/** Executes a plan with bounded parallelism; a failure skips only what depends on it. */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const steps = stepsOf(plan);
  const result: ApplyResult = { done: [], failed: [], skipped: [] };
  const state = new Map<string, "pending" | "running" | "done" | "failed" | "skipped">(
    steps.map((step) => [step.key, "pending"]),
  );
  const running = new Set<Promise<void>>();
  const emit = options.onEvent ?? ((): void => {});

  const blockedBy = (step: Step): string | null => {
    for (const key of step.after) {
      const status = state.get(key);
      if (status === "failed" || status === "skipped") return key;
    }
    return null;
  };

  while (true) {
    let progressed = false;
    for (const step of steps) {
      if (state.get(step.key) !== "pending") continue;
      const blocker = blockedBy(step);
      if (blocker) {
        state.set(step.key, "skipped");
        result.skipped.push(step.key);
        emit({ phase: "skipped", step, because: blocker });
        progressed = true;
        continue;
      }
      if (!step.after.every((key) => state.get(key) === "done")) continue;
      if (running.size >= options.parallelism) continue;
      state.set(step.key, "running");
      progressed = true;
      const started = performance.now();
      emit({ phase: "start", step });
      const task = runStep(plan, step, options).then(
        () => {
          state.set(step.key, "done");
          result.done.push(step.key);
          emit({ phase: "done", step, ms: performance.now() - started });
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          state.set(step.key, "failed");
          result.failed.push({ key: step.key, error: message });
          emit({ phase: "failed", step, ms: performance.now() - started, error: message });
        },
      ).finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size === 0 && !progressed) break;
    if (!progressed || running.size >= options.parallelism) await Promise.race(running);
  }
  return result;
}

async function runStep(plan: Plan, step: Step, options: ApplyOptions): Promise<void> {
  const { store, ctx } = options;
  const action = step.action;
  const provider = options.providers.get(action.type);
  if (!provider) throw new Error(`no provider for resource type ${action.type}`);
  const record = store.get(step.id);
  const desired: ResourceInstance | null = action.node
    ? {
      id: action.id,
      type: action.type,
      bottle: action.bottle,
      inputs: action.node.inputs,
      outputs: record?.outputs ?? null,
    }
    : null;

  if (step.kind === "settle") {
    if (!record || !desired) return;
    const outputs = action.observed ?? record.outputs;
    store.upsert({ ...record, inputs: desired.inputs, outputs, status: "ready", error: null });
    store.journal(step.id, "settle", "done");
    return;
  }
  if (step.kind === "delete") {
    const current = record ?? action.record;
    if (!current) return;
    store.upsert({ ...current, status: "deleting", error: null });
    store.journal(step.id, "delete", "begin");
    crashHook(options, step.id, "begin");
    try {
      await provider.delete(ctx, { ...current });
    } catch (error) {
      fail(store, step, error);
    }
    crashHook(options, step.id, "end");
    store.remove(step.id);
    store.journal(step.id, "delete", "done");
    return;
  }
  if (!desired || !action.node) throw new Error(`${step.key}: no desired node`);
  const previous: ResourceInstance | null = record ? { ...record, outputs: record.outputs } : null;
  const journalled = {
    id: action.id,
    type: action.type,
    bottle: action.bottle,
    project: plan.project,
    inputs: desired.inputs,
    outputs: record?.outputs ?? null,
    dependsOn: action.node.dependsOn,
    replaceWith: action.node.replaceWith,
    error: null,
  };
  const status = step.kind === "create" ? "creating" : "updating";
  store.upsert({ ...journalled, status });
  store.journal(step.id, step.kind, "begin");
  crashHook(options, step.id, "begin");
  let outputs: JsonObject;
  try {
    if (step.kind === "update" && provider.update && previous) {
      outputs = await provider.update(ctx, desired, previous);
    } else {
      outputs = await provider.create(ctx, desired);
    }
  } catch (error) {
    fail(store, step, error);
  }
  crashHook(options, step.id, "end");
  store.upsert({ ...journalled, outputs, status: "ready" });
  store.journal(step.id, step.kind, "done");
}

function fail(store: StateStore, step: Step, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const record = store.get(step.id);
  if (record) store.upsert({ ...record, error: message });
  store.journal(step.id, step.kind, "failed", message);
  throw error;
}

function crashHook(options: ApplyOptions, id: string, boundary: "begin" | "end"): void {
  if (options.crashAt === `${id}:${boundary}`) Deno.kill(Deno.pid, "SIGKILL");
}
