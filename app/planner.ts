/**
 * Making plans: the desired graph (compiled manifests), the recorded state and live reads
 * handed to the engine's pure planner, with the session's providers answering its diff
 * questions. Used by plan, apply, destroy, state adopt and verify.
 */
import type { ResourceNode } from "../engine/graph.ts";
import { type Plan, planChanges, type PlanMode } from "../engine/plan.ts";
import type { Provider } from "../engine/provider.ts";
import { readLive } from "../engine/refresh.ts";
import type { ResourceRecord } from "../engine/state.ts";
import { assertNoUnrecordedBottles } from "../engine/state_health.ts";
import { compileManifests, type CompileRequest } from "./compile.ts";
import { UserError } from "./errors.ts";
import type { Session } from "./session.ts";

export interface ApplyPlanRequest extends CompileRequest {
  /**
   * Set by `state adopt`: planning may see bottles that run without records (elsewhere that
   * is refused, since a plan from scratch would start them anew).
   */
  adopting?: boolean;
  /**
   * Plan only these resources and what they depend on: no other record is read or planned.
   * Only for a change that touches nothing else (a supervise grant's policy update); a plain
   * `--target` plans everything and then keeps what the targets need (withTargets).
   */
  within?: readonly string[];
}

/** Loads and compiles the manifests, reads live state and plans their application. */
export async function makeApplyPlan(
  session: Session,
  request: ApplyPlanRequest = {},
): Promise<Plan> {
  const { project, graph } = await compileManifests(session, request);
  const bottles = [...project.bottles.keys()];
  assertOwnership(session, bottles);
  if (!request.adopting) {
    assertNoUnrecordedBottles(
      session.store,
      "a plan from scratch would start them anew",
      bottles,
    );
  }
  let desired = graph.nodes;
  let records = session.store.forProject(session.project);
  if (request.within) {
    const closure = dependencyClosure(desired, request.within);
    desired = desired.filter((node) => closure.has(node.id));
    records = records.filter((record) => closure.has(record.id));
  }
  return await planAgainst(session, { mode: "apply", desired, records });
}

/** These ids and everything they depend on, transitively. */
function dependencyClosure(nodes: readonly ResourceNode[], ids: readonly string[]): Set<string> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const closure = new Set<string>();
  const pending = [...ids];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (closure.has(id)) continue;
    closure.add(id);
    pending.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return closure;
}

/** Plans the destruction of the project's recorded resources (of these bottles, if any). */
export function makeDestroyPlan(session: Session, bottles: readonly string[] = []): Promise<Plan> {
  let records = session.store.forProject(session.project);
  if (bottles.length > 0) {
    const unknown = bottles.filter((name) => !records.some((record) => record.bottle === name));
    if (unknown.length > 0) {
      const known = [...new Set(records.map((record) => record.bottle))];
      throw new UserError(
        `no bottle named ${unknown.join(", ")} is recorded for ${session.project}`,
        known.length > 0 ? `recorded bottles: ${known.join(", ")}` : "nothing is applied here",
      );
    }
    records = records.filter((record) => bottles.includes(record.bottle));
  }
  return planAgainst(session, { mode: "destroy", desired: [], records });
}

export interface PlanInputs {
  mode: PlanMode;
  desired: ResourceNode[];
  records: ResourceRecord[];
  /** The project the plan is for; default the session's. */
  project?: string;
}

/** Reads the records' live objects (apply mode) and plans; the providers answer diffs. */
export async function planAgainst(session: Session, inputs: PlanInputs): Promise<Plan> {
  const project = inputs.project ?? session.project;
  const reads = inputs.mode === "destroy"
    ? new Map()
    : await readLive(inputs.records, session.providers, session.ctx);
  return planChanges({
    mode: inputs.mode,
    project,
    serial: session.store.serial(project),
    desired: inputs.desired,
    records: inputs.records,
    reads,
    diff: (type, want, have) => providerOf(session, type).diff(want, have),
    repairsDriftInPlace: (type) => providerOf(session, type).repairsDriftInPlace,
  });
}

function providerOf(session: Session, type: string): Provider {
  const provider = session.providers.get(type);
  if (!provider) throw new UserError(`no provider for resource type ${type}`);
  return provider;
}

/** A bottle name belongs to one project; another project may not take it over. */
function assertOwnership(session: Session, bottles: readonly string[]): void {
  for (const record of session.store.all()) {
    if (bottles.includes(record.bottle) && record.project !== session.project) {
      throw new UserError(
        `bottle "${record.bottle}" is already managed from ${record.project}`,
        `destroy it there (deno task destroy --dir ${record.project}) or rename this one`,
      );
    }
  }
}
