import { assertEquals, assertThrows } from "../tests/assert.ts";
import type { Plan } from "../engine/plan.ts";
import { parsePlanFile } from "./plan_file.ts";

const TYPES = new Set(["bottle_dir", "sandbox"]);

function validPlan(): Plan {
  const node = {
    id: "bottle_dir.dev",
    type: "bottle_dir",
    bottle: "dev",
    inputs: { path: "/s/bottles/dev", subdirs: ["logs"] },
    dependsOn: [],
    replaceWith: [],
  };
  const record = {
    id: "sandbox.old",
    type: "sandbox",
    bottle: "old",
    project: "/p",
    inputs: { backend: "bwrap" },
    outputs: null,
    dependsOn: ["bottle_dir.old"],
    replaceWith: [],
    status: "ready" as const,
    error: null,
    updatedAt: "2026-01-01T00:00:00Z",
  };
  return {
    format: 1,
    mode: "apply",
    project: "/p",
    serial: 3,
    createdAt: "2026-01-01T00:00:00Z",
    actions: [
      {
        id: node.id,
        type: node.type,
        bottle: "dev",
        kind: "create",
        reasons: [],
        changed: [],
        forcesReplacement: [],
        before: null,
        node,
        record: null,
      },
      {
        id: record.id,
        type: record.type,
        bottle: "old",
        kind: "delete",
        reasons: ["no longer in the manifests"],
        changed: [],
        forcesReplacement: [],
        before: record.inputs,
        node: null,
        record,
      },
    ],
  };
}

const parse = (value: unknown): Plan => parsePlanFile("/x.plan", JSON.stringify(value), TYPES);

/** The plan with one change made to its JSON form. */
function mutated(
  change: (plan: Record<string, unknown> & { actions: Record<string, unknown>[] }) => void,
): unknown {
  const plan = JSON.parse(JSON.stringify(validPlan()));
  change(plan);
  return plan;
}

Deno.test("a plan file round-trips through the strict reader unchanged", () => {
  assertEquals(parse(validPlan()), validPlan());
});

Deno.test("a targeted plan keeps its targets", () => {
  const plan = { ...validPlan(), targets: ["bottle_dir.dev"] };
  assertEquals(parse(plan), plan);
  assertThrows(() => parse({ ...validPlan(), targets: "x" }), /targets: expected an array/);
});

Deno.test("a malformed plan file is refused, naming the field", () => {
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{", /\(file\): not JSON/],
    ["an array", [], /\(file\): expected an object/],
    ["format 2", mutated((p) => (p.format = 2)), /format: expected 1/],
    ["mode", mutated((p) => (p.mode = "nuke")), /mode: "nuke" is not one of apply, destroy/],
    ["relative project", mutated((p) => (p.project = "p")), /project: not an absolute path/],
    ["negative serial", mutated((p) => (p.serial = -1)), /serial: expected a whole number/],
    ["string serial", mutated((p) => (p.serial = "3")), /serial: expected a whole number/],
    [
      "unknown kind",
      mutated((p) => (p.actions[0].kind = "explode")),
      /actions\[0\]\.kind: "explode"/,
    ],
    [
      "unknown type",
      mutated((p) => (p.actions[0].type = "rootkit")),
      /unknown resource type "rootkit"/,
    ],
    [
      "id of another type",
      mutated((p) => (p.actions[0].id = "sandbox.dev")),
      /is not an id of type/,
    ],
    [
      "create without node",
      mutated((p) => (p.actions[0].node = null)),
      /actions\[0\]\.node: create needs one/,
    ],
    [
      "delete without record",
      mutated((p) => (p.actions[1].record = null)),
      /actions\[1\]\.record: delete needs one/,
    ],
    [
      "reasons not strings",
      mutated((p) => (p.actions[0].reasons = [1])),
      /reasons\[0\]: expected a string/,
    ],
    [
      "inputs not an object",
      mutated((p) => ((p.actions[0].node as { inputs: unknown }).inputs = "x")),
      /node\.inputs: expected an object/,
    ],
    [
      "record of another project",
      mutated((p) => ((p.actions[1].record as { project: string }).project = "/q")),
      /record\.project/,
    ],
    [
      "bad record status",
      mutated((p) => ((p.actions[1].record as { status: string }).status = "zombie")),
      /record\.status/,
    ],
    ["duplicate id", mutated((p) => p.actions.push(p.actions[0])), /appears twice/],
    [
      "destroy plan with a create",
      mutated((p) => (p.mode = "destroy")),
      /a destroy plan holds only deletes/,
    ],
  ];
  for (const [name, value, pattern] of cases) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const error = assertThrows(() => parsePlanFile("/x.plan", text, TYPES), pattern);
    assertEquals(error.name, "PlanFileError", name);
  }
});

Deno.test("a deeply nested plan file is refused before parsing", () => {
  const text = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  assertThrows(() => parsePlanFile("/x.plan", text, TYPES), /nested too deeply/);
});
