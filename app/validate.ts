/** Validate: load and compile the manifests (no state, no secrets, nothing written). */
import { compileForValidation, type ValidateRequest } from "./compile.ts";

export type { ValidateRequest };

export interface ValidationReport {
  bottles: number;
  agents: number;
  /** Nodes of the compiled resource graph. */
  resources: number;
}

/** Throws the manifests' located errors; a valid project's counts otherwise. */
export async function validate(request: ValidateRequest): Promise<ValidationReport> {
  const { project, graph } = await compileForValidation(request);
  return {
    bottles: project.bottles.size,
    agents: project.agents.size,
    resources: graph.nodes.length,
  };
}
