import type { Backend } from "./backend.ts";
import { bwrapBackend } from "./bwrap/backend.ts";
import { dockerBackend } from "./docker/backend.ts";

export type {
  Backend,
  DoorService,
  ExecOptions,
  SandboxHandle,
  SandboxSpec,
  SandboxStatus,
} from "./backend.ts";
export { PreflightError } from "./backend.ts";
export { BwrapBackend, bwrapBackend } from "./bwrap/backend.ts";
export { DockerBackend, dockerBackend } from "./docker/backend.ts";

const PLANNED = new Set(["smolvm"]);

/** The backend called `name` (as written in a bottle manifest's `backend:`). */
export function getBackend(name: string): Backend {
  if (name === bwrapBackend.name) return bwrapBackend;
  if (name === dockerBackend.name) return dockerBackend;
  if (PLANNED.has(name)) {
    throw new Error(`the ${name} backend is not implemented yet in this build; use backend: bwrap`);
  }
  throw new Error(`unknown backend "${name}" (known: bwrap, docker, smolvm)`);
}
