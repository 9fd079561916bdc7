import { editDistance } from "../manifest/suggest.ts";
import type { Plan, PlanMode, PlannedAction } from "./plan.ts";

export class TargetError extends Error {
  override name = "TargetError";
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

/**
 * `--target`: keeps only the named resources and what they need, as Terraform does.
 * A created, updated or replaced resource needs what it depends on; a deleted one needs
 * the deletion of everything recorded as depending on it (so `destroy --target X` takes
 * X's dependents down too). A rebuilt resource also brings along the dependents it forces
 * to be replaced (`replaceWith`), which would otherwise keep pointing at the old object.
 * The plan keeps its order; the rest of it is left for a later, untargeted apply.
 */
export function targetPlan(plan: Plan, targets: string[]): Plan {
  const wanted = [...new Set(targets)];
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const unknown = wanted.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw unknownTargets(unknown, [...byId.keys()]);
  const kept = new Set<string>();
  const pending = [...wanted];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (kept.has(id)) continue;
    kept.add(id);
    pending.push(...needs(byId.get(id)!, plan.actions).filter((need) => !kept.has(need)));
  }
  return {
    ...plan,
    targets: wanted,
    actions: plan.actions.filter((action) => kept.has(action.id)),
  };
}

const REBUILT = new Set<PlannedAction["kind"]>(["create", "replace"]);
const DELETED = new Set<PlannedAction["kind"]>(["delete", "replace"]);

/** Ids of the actions that must be in the same apply as `action`. */
function needs(action: PlannedAction, actions: PlannedAction[]): string[] {
  const ids = action.kind === "delete" ? [] : [...(action.node?.dependsOn ?? [])];
  if (DELETED.has(action.kind)) {
    for (const other of actions) {
      if (DELETED.has(other.kind) && other.record?.dependsOn.includes(action.id)) {
        ids.push(other.id);
      }
    }
  }
  if (REBUILT.has(action.kind)) {
    for (const other of actions) {
      if (other.kind === "replace" && other.node?.replaceWith.includes(action.id)) {
        ids.push(other.id);
      }
    }
  }
  return ids;
}

/** Longer inputs are not compared by edit distance (its cost grows with the product). */
const MAX_COMPARED_LENGTH = 200;
const MAX_SUGGESTIONS = 8;

function unknownTargets(unknown: string[], known: string[]): TargetError {
  const lines = unknown.map((id) => {
    const close = closeMatches(id, known);
    const shown = id.length > 80 ? `${id.slice(0, 77)}...` : id;
    return close.length > 0 ? `  ${shown}: did you mean ${close.join(", ")}?` : `  ${shown}`;
  });
  const sample = known.slice(0, MAX_SUGGESTIONS).join(", ");
  const more = known.length > MAX_SUGGESTIONS ? `, … (${known.length} in all)` : "";
  return new TargetError(
    `--target names no resource of this plan:\n${lines.join("\n")}`,
    known.length === 0
      ? "this plan has no resources to target"
      : `targets are resource ids such as ${sample}${more}; \`deno task plan\` lists them`,
  );
}

/** Ids within a typo of `id`, or that have `id` as a dot-separated part (`dev`, `sandbox`). */
export function closeMatches(id: string, known: string[]): string[] {
  if (id.length === 0 || id.length > MAX_COMPARED_LENGTH) return [];
  const limit = Math.max(1, Math.min(3, Math.floor(id.length / 3)));
  const scored: [string, number][] = [];
  for (const candidate of known) {
    if (candidate.split(".").includes(id)) scored.push([candidate, 0]);
    else if (Math.abs(candidate.length - id.length) <= limit) {
      const distance = editDistance(id, candidate);
      if (distance <= limit) scored.push([candidate, distance]);
    }
  }
  return scored.sort((a, b) => a[1] - b[1]).slice(0, MAX_SUGGESTIONS).map(([candidate]) =>
    candidate
  );
}

/** Printed with a targeted plan, as Terraform does: it may not be the whole story. */
export function targetWarning(targets: string[], mode: PlanMode = "apply"): string {
  const scope = mode === "destroy"
    ? "those resources and what depends on them"
    : "those resources and what they need";
  return [
    "",
    `Warning: resource targeting is in effect (--target ${targets.join(", ")}).`,
    `This plan covers only ${scope}, so it may not show every change`,
    "the manifests ask for. Use --target for exceptional cases (recovering from an error,",
    "one resource at a time), then run an untargeted plan.",
  ].join("\n") + "\n";
}
