/**
 * Saved plan files, read back strictly. A plan file is data from disk, so it is parsed with a
 * schema and the plan is built from checked values only: an unknown action kind or resource
 * type, a missing node or record, or a field of the wrong type is a clear error naming the
 * file and the field, never something applied.
 */
import { isAbsolute } from "node:path";
import { z } from "zod";
import type { ActionKind, Plan, PlanMode } from "../engine/plan.ts";
import type { RecordStatus } from "../engine/state.ts";
import type { JsonObject, JsonValue } from "../lib/json.ts";
import { jsonNesting } from "../lib/json.ts";

/** A plan file larger than this is not one of ours. */
export const MAX_PLAN_FILE_BYTES = 64 * 1024 * 1024;
const MAX_NESTING = 200;

const KINDS = [
  "create",
  "update",
  "replace",
  "delete",
  "noop",
  "settle",
] as const satisfies readonly ActionKind[];
const MODES = ["apply", "destroy"] as const satisfies readonly PlanMode[];
const STATUSES = [
  "creating",
  "updating",
  "deleting",
  "ready",
] as const satisfies readonly RecordStatus[];
/** Kinds that need the desired node, and kinds that need the recorded resource. */
const NEEDS_NODE: readonly ActionKind[] = ["create", "update", "replace", "noop", "settle"];
const NEEDS_RECORD: readonly ActionKind[] = ["update", "replace", "delete", "settle"];

export class PlanFileError extends Error {
  override name = "PlanFileError";
  constructor(readonly path: string, readonly field: string, problem: string) {
    super(`${path} is not a valid bot-bottle plan file: ${field}: ${problem}`);
  }
  readonly hint = "make a new one with: deno task plan --out FILE";
}

/** Parses and checks a plan file's text; `types` are the resource types providers exist for. */
export function parsePlanFile(path: string, text: string, types: ReadonlySet<string>): Plan {
  if (jsonNesting(text, MAX_NESTING) > MAX_NESTING) {
    throw new PlanFileError(path, "(file)", "nested too deeply");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(path, "(file)", `not JSON (${(error as Error).message})`);
  }
  const result = planFileSchema(types).safeParse(parsed);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  throw new PlanFileError(path, fieldOf(first.path), first.message);
}

/** `actions[0].node.inputs` for the path ["actions", 0, "node", "inputs"]; `(file)` for []. */
function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(file)";
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`
  ).join("");
}

const text = z.string({ error: "expected a string" });
const texts = z.array(text, { error: "expected an array" });
const count = z.number({ error: "expected a whole number" }).refine(
  (n) => Number.isSafeInteger(n) && n >= 0,
  { error: "expected a whole number" },
);

function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, {
    error: (issue) => `${JSON.stringify(issue.input)} is not one of ${values.join(", ")}`,
  });
}

function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return isJsonObject(value);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.values(value).every(isJsonValue);
}

/** An object of JSON values (inputs, outputs): as parsed, so a `__proto__` key stays data. */
const jsonObject = z.custom<JsonObject>(isJsonObject, { error: "expected an object" });

const node = z.object({
  id: text,
  type: text,
  bottle: text,
  inputs: jsonObject,
  dependsOn: texts,
  replaceWith: texts,
  notes: texts.optional(),
}, { error: "expected an object" });

const record = z.object({
  id: text,
  type: text,
  bottle: text,
  project: text,
  inputs: jsonObject,
  outputs: jsonObject.nullable(),
  dependsOn: texts,
  replaceWith: texts,
  status: oneOf(STATUSES),
  error: text.nullable(),
  updatedAt: text,
}, { error: "expected an object" });

function actionSchema(types: ReadonlySet<string>): z.ZodType<Plan["actions"][number]> {
  return z.object({
    id: text,
    type: text.refine((type) => types.has(type), {
      error: (issue) => `unknown resource type ${JSON.stringify(issue.input)}`,
    }),
    bottle: text,
    kind: oneOf(KINDS),
    reasons: texts,
    changed: texts,
    forcesReplacement: texts,
    before: jsonObject.nullable(),
    node: node.nullish().transform((value) => value ?? null),
    record: record.nullish().transform((value) => value ?? null),
    observed: jsonObject.optional(),
  }, { error: "expected an object" }).superRefine((action, ctx) => {
    const fail = (field: string, message: string): void => {
      ctx.addIssue({ code: "custom", path: field.split("."), message });
    };
    const { id, kind, type } = action;
    if (!id.startsWith(`${type}.`)) return fail("id", `${id} is not an id of type ${type}`);
    if (NEEDS_NODE.includes(kind) && action.node === null) return fail("node", `${kind} needs one`);
    if (NEEDS_RECORD.includes(kind) && action.record === null) {
      return fail("record", `${kind} needs one`);
    }
    for (const [what, item] of [["node", action.node], ["record", action.record]] as const) {
      if (item && (item.id !== id || item.type !== type)) {
        return fail(what, `describes ${item.id} (${item.type}), not ${id} (${type})`);
      }
    }
  });
}

function planFileSchema(types: ReadonlySet<string>): z.ZodType<Plan> {
  return z.object({
    format: z.literal(1, { error: (issue) => `expected 1, found ${JSON.stringify(issue.input)}` }),
    mode: oneOf(MODES),
    project: text.refine(isAbsolute, { error: "not an absolute path" }),
    serial: count,
    createdAt: text,
    actions: z.array(actionSchema(types), { error: "expected an array" }),
    targets: texts.optional(),
  }, { error: "expected an object" }).superRefine((plan, ctx) => {
    const fail = (i: number, field: string, message: string): void => {
      ctx.addIssue({ code: "custom", path: ["actions", i, ...field.split(".")], message });
    };
    const seen = new Set<string>();
    for (const [i, action] of plan.actions.entries()) {
      if (action.record && action.record.project !== plan.project) {
        return fail(i, "record.project", `${action.record.project} is not the plan's project`);
      }
      if (seen.has(action.id)) return fail(i, "id", `${action.id} appears twice`);
      seen.add(action.id);
      if (plan.mode === "destroy" && action.kind !== "delete") {
        return fail(i, "kind", `a destroy plan holds only deletes, found ${action.kind}`);
      }
    }
  });
}
