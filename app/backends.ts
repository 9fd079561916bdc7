/**
 * Backends as the application layer uses them: which ones this build runs, and each one's
 * preflight (its own check that this machine can run it), called before a plan that starts or
 * changes one of its sandboxes is carried out.
 */
import type { Plan } from "../engine/plan.ts";
import type { JsonObject } from "../lib/json.ts";
import type { Backend } from "../backends/backend.ts";
import { getBackend } from "../backends/mod.ts";
import { BACKENDS } from "../manifest/schema.ts";
import type { EventSink } from "./events.ts";

/** The backend called `name` (as in a bottle's `backend:`); throws for one this build lacks. */
export type BackendLookup = (name: string) => Backend;

/** The `backend:` names this build runs; a bottle naming another fails at plan, located. */
export function availableBackends(lookup: BackendLookup = getBackend): string[] {
  return BACKENDS.filter((name) => {
    try {
      lookup(name);
      return true;
    } catch {
      return false;
    }
  });
}

/** The resource type of a bottle's sandbox, whose inputs name its backend. */
export const SANDBOX_TYPE = "sandbox";

/** The backend a sandbox resource's inputs name (null for another type, or none named). */
export function backendOf(resource: { type: string; inputs: JsonObject }): string | null {
  const backend = resource.inputs.backend;
  return resource.type === SANDBOX_TYPE && typeof backend === "string" ? backend : null;
}

/**
 * The backends whose sandboxes the plan starts or changes (a sandbox action other than a
 * noop), in plan order.
 */
export function sandboxBackends(plan: Plan): string[] {
  const names = new Set<string>();
  for (const action of plan.actions) {
    const backend = action.node && action.kind !== "noop" ? backendOf(action.node) : null;
    if (backend !== null) names.add(backend);
  }
  return [...names];
}

/** Runs the preflight of each backend the plan needs; a PreflightError says what to fix. */
export async function preflightPlan(
  plan: Plan,
  lookup: BackendLookup,
  emit: EventSink,
): Promise<void> {
  for (const name of sandboxBackends(plan)) {
    emit({ type: "preflight", backend: name });
    await lookup(name).preflight();
  }
}
