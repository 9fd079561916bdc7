/** Test support for the planner's tests: a state record for a graph node. */

import type { ResourceNode } from "./graph.ts";
import type { RecordStatus, ResourceRecord } from "./state.ts";

/** The record state would hold for `node` once applied (or caught mid-step, by `status`). */
export function recordOf(node: ResourceNode, status: RecordStatus = "ready"): ResourceRecord {
  return {
    id: node.id,
    type: node.type,
    bottle: node.bottle,
    project: "/p",
    inputs: node.inputs,
    outputs: {},
    dependsOn: node.dependsOn,
    replaceWith: node.replaceWith,
    status,
    error: null,
    updatedAt: "",
  };
}
