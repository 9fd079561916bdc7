/**
 * Saved plan files: written atomically (0600) and read back strictly. A plan file is data
 * from disk, so every field is checked and the plan is rebuilt from checked values only:
 * an unknown action kind or resource type, a missing node or record, or a field of the
 * wrong type is a clear error naming the file and the field, never something applied.
 */
import { isAbsolute } from "node:path";
import type { ActionKind, Plan, PlanMode, PlannedAction } from "../engine/plan.ts";
import type { ResourceNode } from "../engine/graph.ts";
import type { RecordStatus, ResourceRecord } from "../engine/state.ts";
import type { JsonObject, JsonValue } from "../lib/json.ts";
import { jsonNesting } from "../lib/json.ts";

/** A plan file larger than this is not one of ours. */
export const MAX_PLAN_FILE_BYTES = 64 * 1024 * 1024;
const MAX_NESTING = 200;

const KINDS: readonly ActionKind[] = ["create", "update", "replace", "delete", "noop", "settle"];
const MODES: readonly PlanMode[] = ["apply", "destroy"];
const STATUSES: readonly RecordStatus[] = ["creating", "updating", "deleting", "ready"];
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
  const fail = (field: string, problem: string): never => {
    throw new PlanFileError(path, field, problem);
  };
  if (jsonNesting(text, MAX_NESTING) > MAX_NESTING) fail("(file)", "nested too deeply");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail("(file)", `not JSON (${(error as Error).message})`);
  }
  const reader = new Reader(fail);
  const top = reader.object(parsed, "(file)");
  if (top.format !== 1) fail("format", `expected 1, found ${JSON.stringify(top.format)}`);
  const mode = reader.oneOf(top.mode, "mode", MODES);
  const project = reader.string(top.project, "project");
  if (!isAbsolute(project)) fail("project", "not an absolute path");
  const serial = reader.count(top.serial, "serial");
  const createdAt = reader.string(top.createdAt, "createdAt");
  const rawActions = reader.array(top.actions, "actions");
  const seen = new Set<string>();
  const actions = rawActions.map((raw, i) => {
    const action = readAction(reader, raw, `actions[${i}]`, types, project);
    if (seen.has(action.id)) fail(`actions[${i}].id`, `${action.id} appears twice`);
    seen.add(action.id);
    if (mode === "destroy" && action.kind !== "delete") {
      fail(`actions[${i}].kind`, `a destroy plan holds only deletes, found ${action.kind}`);
    }
    return action;
  });
  const plan: Plan = { format: 1, mode, project, serial, createdAt, actions };
  if (top.targets !== undefined) plan.targets = reader.strings(top.targets, "targets");
  return plan;
}

function readAction(
  reader: Reader,
  raw: unknown,
  at: string,
  types: ReadonlySet<string>,
  project: string,
): PlannedAction {
  const fields = reader.object(raw, at);
  const id = reader.string(fields.id, `${at}.id`);
  const kind = reader.oneOf(fields.kind, `${at}.kind`, KINDS);
  const type = reader.string(fields.type, `${at}.type`);
  if (!types.has(type)) reader.fail(`${at}.type`, `unknown resource type ${JSON.stringify(type)}`);
  if (!id.startsWith(`${type}.`)) reader.fail(`${at}.id`, `${id} is not an id of type ${type}`);
  const node = fields.node === null || fields.node === undefined
    ? null
    : readNode(reader, fields.node, `${at}.node`);
  const record = fields.record === null || fields.record === undefined
    ? null
    : readRecord(reader, fields.record, `${at}.record`);
  if (NEEDS_NODE.includes(kind) && node === null) reader.fail(`${at}.node`, `${kind} needs one`);
  if (NEEDS_RECORD.includes(kind) && record === null) {
    reader.fail(`${at}.record`, `${kind} needs one`);
  }
  for (const [what, item] of [["node", node], ["record", record]] as const) {
    if (item && (item.id !== id || item.type !== type)) {
      reader.fail(`${at}.${what}`, `describes ${item.id} (${item.type}), not ${id} (${type})`);
    }
  }
  if (record && record.project !== project) {
    reader.fail(`${at}.record.project`, `${record.project} is not the plan's project`);
  }
  const action: PlannedAction = {
    id,
    type,
    bottle: reader.string(fields.bottle, `${at}.bottle`),
    kind,
    reasons: reader.strings(fields.reasons, `${at}.reasons`),
    changed: reader.strings(fields.changed, `${at}.changed`),
    forcesReplacement: reader.strings(fields.forcesReplacement, `${at}.forcesReplacement`),
    before: fields.before === null ? null : reader.json(fields.before, `${at}.before`),
    node,
    record,
  };
  if (fields.observed !== undefined) {
    action.observed = reader.json(fields.observed, `${at}.observed`);
  }
  return action;
}

function readNode(reader: Reader, raw: unknown, at: string): ResourceNode {
  const fields = reader.object(raw, at);
  return {
    id: reader.string(fields.id, `${at}.id`),
    type: reader.string(fields.type, `${at}.type`),
    bottle: reader.string(fields.bottle, `${at}.bottle`),
    inputs: reader.json(fields.inputs, `${at}.inputs`),
    dependsOn: reader.strings(fields.dependsOn, `${at}.dependsOn`),
    replaceWith: reader.strings(fields.replaceWith, `${at}.replaceWith`),
  };
}

function readRecord(reader: Reader, raw: unknown, at: string): ResourceRecord {
  const fields = reader.object(raw, at);
  return {
    id: reader.string(fields.id, `${at}.id`),
    type: reader.string(fields.type, `${at}.type`),
    bottle: reader.string(fields.bottle, `${at}.bottle`),
    project: reader.string(fields.project, `${at}.project`),
    inputs: reader.json(fields.inputs, `${at}.inputs`),
    outputs: fields.outputs === null ? null : reader.json(fields.outputs, `${at}.outputs`),
    dependsOn: reader.strings(fields.dependsOn, `${at}.dependsOn`),
    replaceWith: reader.strings(fields.replaceWith, `${at}.replaceWith`),
    status: reader.oneOf(fields.status, `${at}.status`, STATUSES),
    error: fields.error === null ? null : reader.string(fields.error, `${at}.error`),
    updatedAt: reader.string(fields.updatedAt, `${at}.updatedAt`),
  };
}

/** Typed reads of parsed JSON: each returns the checked value or fails naming the field. */
class Reader {
  constructor(readonly fail: (field: string, problem: string) => never) {}

  object(value: unknown, at: string): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return this.fail(at, "expected an object");
    }
    return Object.fromEntries(Object.entries(value));
  }

  array(value: unknown, at: string): unknown[] {
    return Array.isArray(value) ? [...value] : this.fail(at, "expected an array");
  }

  string(value: unknown, at: string): string {
    return typeof value === "string" ? value : this.fail(at, "expected a string");
  }

  strings(value: unknown, at: string): string[] {
    return this.array(value, at).map((item, i) => this.string(item, `${at}[${i}]`));
  }

  count(value: unknown, at: string): number {
    return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
      ? value
      : this.fail(at, "expected a whole number");
  }

  oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[]): T {
    const found = allowed.find((item) => item === value);
    return found ?? this.fail(at, `${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  }

  json(value: unknown, at: string): JsonObject {
    const object = this.object(value, at);
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(object)) result[key] = this.jsonValue(item, at);
    return result;
  }

  jsonValue(value: unknown, at: string): JsonValue {
    if (value === null || typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return value;
    if (Array.isArray(value)) return value.map((item) => this.jsonValue(item, at));
    return this.json(value, at);
  }
}
