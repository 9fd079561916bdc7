/**
 * A sandbox's state row and handle file, read without zod: `bottle exec` reads them on its
 * fast path, where loading zod (and the resource types built on it) would cost more than the
 * rest of its start-up. The shapes are those of resources/sandbox.ts (`sandboxInputs`) and
 * resources/handle_file.ts (`sandboxHandleSchema`), checked as strictly and with the same
 * messages; sandbox_record_test.ts holds the two to agreeing.
 */
import type { SandboxHandle, SandboxSpec } from "../backends/backend.ts";
import type { JsonObject } from "../lib/json.ts";
import { type InputIssue, invalidInputsError } from "../engine/record_error.ts";

type Path = readonly (string | number)[];
/** Checks a value; returns what it parses to, or records issues and returns undefined. */
type Check = (value: unknown, path: Path, issues: InputIssue[]) => unknown;

function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}

function issue(issues: InputIssue[], path: Path, expected: string, value: unknown): undefined {
  issues.push({
    path: path.map(String).join("."),
    message: `Invalid input: expected ${expected}, received ${received(value)}`,
  });
  return undefined;
}

const string: Check = (value, path, issues) =>
  typeof value === "string" ? value : issue(issues, path, "string", value);

const number: Check = (value, path, issues) =>
  typeof value === "number" && Number.isFinite(value)
    ? value
    : issue(issues, path, "number", value);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function array(item: Check): Check {
  return (value, path, issues) => {
    if (!Array.isArray(value)) return issue(issues, path, "array", value);
    return value.map((element, index) => item(element, [...path, index], issues));
  };
}

function record(item: Check): Check {
  return (value, path, issues) => {
    if (!isPlainObject(value)) return issue(issues, path, "record", value);
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) {
      out[key] = item(element, [...path, key], issues);
    }
    return out;
  };
}

/** Optional keys are those whose check is wrapped in `optional`. */
const OPTIONAL = Symbol("optional");
type Field = Check | { [OPTIONAL]: Check };

function optional(check: Check): Field {
  return { [OPTIONAL]: check };
}

/** An object of these keys; others are left out (as zod's z.object does). */
function object(fields: Record<string, Field>): Check {
  return (value, path, issues) => {
    if (!isPlainObject(value)) return issue(issues, path, "object", value);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const element = value[key];
      if (typeof field !== "function") {
        if (element !== undefined) out[key] = field[OPTIONAL](element, [...path, key], issues);
        continue;
      }
      out[key] = field(element, [...path, key], issues);
    }
    return out;
  };
}

const processIdentity = object({ pid: number, startTime: number });

/** resources/sandbox.ts's `sandboxInputs`. */
export const checkSandboxInputs: Check = object({
  backend: string,
  bottle: string,
  workspaceDir: string,
  homeDir: string,
  runDir: string,
  backendDir: string,
  trustDir: optional(string),
  services: array(object({ name: string, port: number, socket: string })),
  roBinds: optional(array(object({ host: string, inside: string }))),
  extraPath: optional(array(string)),
  env: record(string),
  owner: optional(object({ project: string, stateDb: string })),
  image: optional(string),
  limits: optional(object({ memory: string, cpus: number, pids: number })),
});

/** resources/handle_file.ts's `sandboxHandleSchema`. */
export const checkSandboxHandle: Check = object({
  backend: string,
  init: processIdentity,
  inner: processIdentity,
  door: optional(processIdentity),
  ports: optional(array(number)),
  containers: optional(object({ agent: string, door: string })),
});

/** The parsed value, or the issues found. */
export function parseWith<T>(
  check: Check,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const parsed = check(value, [], issues);
  return issues.length === 0 ? { ok: true, value: parsed as T } : { ok: false, issues };
}

/**
 * The recorded sandbox of a state row: the spec it was started with, and its handle (null
 * before it started, or when the recorded one does not parse). Inputs that do not parse are
 * a RecordError naming the row, as for every resource type.
 */
export function parseSandboxRecord(
  record: { id: string; inputs: JsonObject; outputs: JsonObject | null },
): { spec: SandboxSpec; handle: SandboxHandle | null } {
  const inputs = parseWith<SandboxSpec & { backend: string }>(checkSandboxInputs, record.inputs);
  if (!inputs.ok) throw invalidInputsError("sandbox", record.id, "state", inputs.issues);
  const { backend: _backend, ...spec } = inputs.value;
  if (record.outputs === null) return { spec, handle: null };
  const handle = parseWith<SandboxHandle>(checkSandboxHandle, record.outputs);
  return { spec, handle: handle.ok ? handle.value : null };
}

/**
 * The bottle's sandbox handle file (`bottles/B/sandbox.json`), or null when there is none;
 * one that is not a handle is an error saying what to do (as handle_file.ts's reader).
 */
export function readSandboxHandleFile(stateDir: string, bottle: string): SandboxHandle | null {
  const path = `${stateDir}/bottles/${bottle}/sandbox.json`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!exists(path)) return null;
    throw error;
  }
  let problem: string;
  try {
    const parsed = parseWith<SandboxHandle>(checkSandboxHandle, JSON.parse(text));
    if (parsed.ok) return parsed.value;
    problem = parsed.issues.slice(0, 3).map((issue) =>
      `${issue.path || "(the file)"}: ${issue.message}`
    ).join("; ");
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  throw new Error(
    `the sandbox handle file ${path} is malformed (${problem}); remove it and run the ` +
      `command again (bot-bottle then finds a running sandbox by its processes)`,
  );
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
