/**
 * `defineResource`: a resource type as one typed definition (its name, input and output
 * schemas, the input keys that force replacement, and a provider that sees parsed inputs
 * and outputs), adapted to the engine's untyped `Provider`.
 *
 * Inputs are parsed wherever they come back from JSON: a state row (read, update's previous,
 * delete) or a plan's node (create, update). A row that no longer parses is a
 * `RecordError` naming the resource and what to do, never a cast that fails later.
 * Recorded outputs are what the last create or update observed; every provider already
 * copes with none (an interrupted create leaves none), so outputs that no longer parse
 * count as none and `read` observes the object afresh.
 */

import type { z } from "zod";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "./diff.ts";
import type { ResourceNode } from "./graph.ts";
import { jsonObjectOf } from "./json_data.ts";
import { invalidInputsError, RecordError } from "./record_error.ts";
import type {
  DiffResult,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceInstance,
} from "./provider.ts";

/** A resource as its provider sees it: inputs and outputs parsed with its type's schemas. */
export interface Instance<I, O> {
  readonly id: string;
  readonly type: string;
  readonly bottle: string;
  readonly inputs: I;
  /** What the last create or update returned; null before one completed. */
  readonly outputs: O | null;
}

/** What `read` observed (see ReadResult): "missing" is distinct from "error". */
export type Observation<O> =
  | { status: "found"; outputs: O; drift: string[] }
  | { status: "missing"; reason: string }
  | { status: "error"; message: string };

/** An object schema: its keys are the inputs the default diff compares. */
export type ObjectSchema<T> = z.ZodType<T> & { readonly shape: object };

export interface ResourceDefinition<I, O> {
  readonly type: string;
  /** The inputs (no transforms or defaults: parsing returns what was recorded). */
  readonly inputs: ObjectSchema<I>;
  readonly outputs: z.ZodType<O>;
  /** Input keys whose change cannot be made in place; `"all"`: every change replaces. */
  readonly replaceKeys: readonly (keyof I & string)[] | "all";
  /** Input keys recorded but never compared: a change to them plans nothing. */
  readonly ignoreChanges?: readonly (keyof I & string)[];
  /** Whether a found-but-drifted object is repaired by `update` (else by replace). */
  readonly repairsDriftInPlace: boolean;
  /** Brings a row written by an older bot-bottle to today's inputs before it is parsed. */
  upgrade?(recorded: JsonObject): JsonObject;
  read(ctx: ProviderContext, instance: Instance<I, O>): Promise<Observation<O>>;
  create(ctx: ProviderContext, instance: Instance<I, O>): Promise<O>;
  update?(ctx: ProviderContext, instance: Instance<I, O>, previous: Instance<I, O>): Promise<O>;
  delete(ctx: ProviderContext, instance: Instance<I, O>): Promise<void>;
}

/** A desired node of this type, its inputs typed. */
export interface NodeSpec<I> {
  id: string;
  bottle: string;
  inputs: I;
  dependsOn: string[];
  /** Dependencies whose replacement forces this node to be replaced too. */
  replaceWith?: string[];
  /** Provenance shown in plan (see ResourceNode.notes). */
  notes?: string[];
}

/** A resource type: the engine's provider, plus typed access for graph builders and readers. */
export interface ResourceType<I, O> extends Provider {
  /** The inputs of a state row or plan node, parsed; a RecordError when they do not parse. */
  inputsOf(record: { id: string; inputs: JsonObject }): I;
  /** The outputs of a state row, parsed; null when there are none or they do not parse. */
  outputsOf(record: { outputs: JsonObject | null }): O | null;
  /** A graph node of this type. */
  node(spec: NodeSpec<I>): ResourceNode;
}

export { RecordError };

type Source = "state" | "plan";

export function defineResource<I extends object, O extends object>(
  definition: ResourceDefinition<I, O>,
): ResourceType<I, O> {
  const { type, replaceKeys } = definition;
  const ignored: readonly string[] = definition.ignoreChanges ?? [];
  const compared = Object.keys(definition.inputs.shape).filter((key) => !ignored.includes(key));
  const canUpdate = replaceKeys !== "all";

  const inputsFrom = (record: { id: string; inputs: JsonObject }, source: Source): I => {
    const raw = definition.upgrade ? definition.upgrade(record.inputs) : record.inputs;
    const parsed = definition.inputs.safeParse(raw);
    if (parsed.success) return parsed.data;
    throw invalidInputs(type, record.id, source, parsed.error);
  };
  const outputsOf = (record: { outputs: JsonObject | null }): O | null => {
    if (record.outputs === null) return null;
    const parsed = definition.outputs.safeParse(record.outputs);
    return parsed.success ? parsed.data : null;
  };
  const typed = (instance: ResourceInstance, source: Source): Instance<I, O> => ({
    id: instance.id,
    type: instance.type,
    bottle: instance.bottle,
    inputs: inputsFrom(instance, source),
    outputs: outputsOf(instance),
  });
  const outputsJson = (outputs: O): JsonObject => jsonObjectOf(outputs, `${type} outputs`);
  const update = definition.update;

  return {
    type,
    replaceKeys: replaceKeys === "all" ? compared : replaceKeys,
    repairsDriftInPlace: definition.repairsDriftInPlace,
    async read(ctx: ProviderContext, instance: ResourceInstance): Promise<ReadResult> {
      const observed = await definition.read(ctx, typed(instance, "state"));
      return observed.status === "found"
        ? { status: "found", outputs: outputsJson(observed.outputs), drift: observed.drift }
        : observed;
    },
    diff(desired: JsonObject, recorded: JsonObject): DiffResult {
      return diffInputs(
        only(desired, compared),
        only(recorded, compared),
        replaceKeys === "all" ? [] : replaceKeys,
        canUpdate,
      );
    },
    async create(ctx: ProviderContext, instance: ResourceInstance): Promise<JsonObject> {
      return outputsJson(await definition.create(ctx, typed(instance, "plan")));
    },
    ...(update
      ? {
        async update(
          ctx: ProviderContext,
          instance: ResourceInstance,
          previous: ResourceInstance,
        ): Promise<JsonObject> {
          const outputs = await update(ctx, typed(instance, "plan"), typed(previous, "state"));
          return outputsJson(outputs);
        },
      }
      : {}),
    delete(ctx: ProviderContext, instance: ResourceInstance): Promise<void> {
      return definition.delete(ctx, typed(instance, "state"));
    },
    inputsOf: (record) => inputsFrom(record, "state"),
    outputsOf,
    node(spec: NodeSpec<I>): ResourceNode {
      return {
        id: spec.id,
        type,
        bottle: spec.bottle,
        inputs: jsonObjectOf(definition.inputs.parse(spec.inputs), `${spec.id} inputs`),
        dependsOn: spec.dependsOn,
        replaceWith: spec.replaceWith ?? [],
        ...(spec.notes?.length ? { notes: [...spec.notes] } : {}),
      };
    },
  };
}

/** The keys of `object` the diff compares (the default diff sees nothing else). */
function only(object: JsonObject, keys: readonly string[]): JsonObject {
  const picked: JsonObject = {};
  for (const key of keys) if (Object.hasOwn(object, key)) picked[key] = object[key];
  return picked;
}

function invalidInputs(type: string, id: string, source: Source, error: z.ZodError): RecordError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  return invalidInputsError(type, id, source, issues);
}
