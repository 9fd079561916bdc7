import type { JsonObject } from "../lib/json.ts";

/** One desired resource: a type, a stable id, its inputs and the ids it depends on. */
export interface ResourceNode {
  /** Stable and derived from names only, e.g. `sandbox.dev`. */
  id: string;
  type: string;
  bottle: string;
  inputs: JsonObject;
  dependsOn: string[];
  /** Dependencies whose replacement forces this node to be replaced too. */
  replaceWith: string[];
  /**
   * Where parts of its inputs came from other than the manifests (a supervise grant), shown
   * in plan beside the resource; never compared, never recorded.
   */
  notes?: string[];
}

export class GraphError extends Error {
  override name = "GraphError";
}

/** A validated resource graph: unique ids, every edge resolves, no cycles. */
export class ResourceGraph {
  readonly #nodes = new Map<string, ResourceNode>();

  constructor(nodes: Iterable<ResourceNode> = []) {
    for (const node of nodes) this.add(node);
  }

  add(node: ResourceNode): void {
    if (this.#nodes.has(node.id)) throw new GraphError(`duplicate resource id ${node.id}`);
    this.#nodes.set(node.id, node);
  }

  get(id: string): ResourceNode | undefined {
    return this.#nodes.get(id);
  }

  get nodes(): ResourceNode[] {
    return [...this.#nodes.values()];
  }

  /** Nodes ordered so that every node comes after all it depends on; throws on a bad graph. */
  topologicalOrder(): ResourceNode[] {
    return topologicalSort(this.nodes, (node) => node.dependsOn);
  }
}

/**
 * Kahn's algorithm, stable with respect to input order. Edges to ids outside `items` are
 * ignored when `ignoreMissing` is set (state may reference rows already gone).
 */
export function topologicalSort<T extends { id: string }>(
  items: T[],
  edgesOf: (item: T) => string[],
  ignoreMissing = false,
): T[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const item of items) {
    let count = 0;
    for (const dep of new Set(edgesOf(item))) {
      if (!byId.has(dep)) {
        if (ignoreMissing) continue;
        throw new GraphError(`${item.id} depends on unknown resource ${dep}`);
      }
      count++;
      dependents.set(dep, [...(dependents.get(dep) ?? []), item.id]);
    }
    pending.set(item.id, count);
  }
  const ready = items.filter((item) => pending.get(item.id) === 0).map((item) => item.id);
  const ordered: T[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    ordered.push(byId.get(id)!);
    for (const dependent of dependents.get(id) ?? []) {
      const left = pending.get(dependent)! - 1;
      pending.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  if (ordered.length !== items.length) {
    const stuck = items.filter((item) => !ordered.includes(item)).map((item) => item.id);
    throw new GraphError(`dependency cycle among ${stuck.join(", ")}`);
  }
  return ordered;
}
