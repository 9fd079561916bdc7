import type { JsonObject } from "../lib/json.ts";

/** Where providers find the machine-level facts they need. */
export interface ProviderContext {
  /** Root of bot-bottle's state (the SQLite file and every bottle's directory live here). */
  stateDir: string;
  /** Environment of the operator running the command (secrets are read from here at apply). */
  env: Record<string, string>;
}

/** A resource as the engine knows it: desired or recorded inputs, and outputs once created. */
export interface ResourceInstance {
  id: string;
  type: string;
  bottle: string;
  inputs: JsonObject;
  outputs: JsonObject | null;
}

/**
 * The result of observing a live object. "missing" (it is not there) is distinct from
 * "error" (we could not tell); the planner never deletes or recreates on an error.
 */
export type ReadResult =
  | { status: "found"; outputs: JsonObject; drift: string[] }
  | { status: "missing"; reason: string }
  | { status: "error"; message: string };

export type DiffAction = "noop" | "update" | "replace";

export interface DiffResult {
  action: DiffAction;
  /** Top-level input keys whose value changed. */
  changed: string[];
  /** The subset of `changed` that cannot be updated in place. */
  forcesReplacement: string[];
}

/**
 * One provider per resource type, as the engine sees it: inputs and outputs as JSON. Create
 * and delete are idempotent. Resource types are written with `defineResource`
 * (resource_type.ts), which parses what comes back from state and plans with the type's
 * schemas and derives the default diff.
 */
export interface Provider {
  readonly type: string;
  /** Input keys whose change cannot be applied in place. */
  readonly replaceKeys: readonly string[];
  /** Whether a found-but-drifted object is repaired by `update` (else by replace). */
  readonly repairsDriftInPlace: boolean;
  read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult>;
  diff(desired: JsonObject, recorded: JsonObject): DiffResult;
  create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject>;
  update?(
    ctx: ProviderContext,
    instance: ResourceInstance,
    previous: ResourceInstance,
  ): Promise<JsonObject>;
  delete(ctx: ProviderContext, instance: ResourceInstance): Promise<void>;
}
