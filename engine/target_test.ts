import { assert_, assertEquals, assertMatch, assertThrows } from "../tests/assert.ts";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "./diff.ts";
import type { ResourceNode } from "./graph.ts";
import type { Plan, PlanMode } from "./plan.ts";
import { planChanges } from "./plan.ts";
import type { ReadResult } from "./provider.ts";
import type { ResourceRecord } from "./state.ts";
import { recordOf } from "./testing.ts";
import { closeMatches, TargetError, targetPlan, targetWarning } from "./target.ts";

const node = (
  id: string,
  dependsOn: string[] = [],
  replaceWith: string[] = [],
  inputs: JsonObject = { image: "v1" },
): ResourceNode => ({
  id,
  type: id.split(".")[0],
  bottle: id.split(".")[1],
  inputs,
  dependsOn,
  replaceWith,
});

const record = recordOf;

/** Two bottles: b (directory ← home ← sandbox → ca) and c (directory ← sandbox). */
const graph = (): ResourceNode[] => [
  node("directory.b"),
  node("ca.b"),
  node("home.b", ["directory.b"]),
  node("sandbox.b", ["home.b", "ca.b"], ["home.b"]),
  node("directory.c"),
  node("sandbox.c", ["directory.c"]),
];

function planOf(
  mode: PlanMode,
  desired: ResourceNode[],
  records: ResourceRecord[] = [],
): Plan {
  const found: ReadResult = { status: "found", outputs: {}, drift: [] };
  return planChanges({
    mode,
    project: "/p",
    serial: 1,
    desired,
    records,
    reads: new Map(records.map((r) => [r.id, found])),
    diff: (_type, a, b) => diffInputs(a, b, ["image"], true),
    repairsDriftInPlace: () => true,
    now: new Date(0),
  });
}

const ids = (plan: Plan): string[] => plan.actions.map((action) => `${action.kind} ${action.id}`);

Deno.test("target: apply keeps the target and everything it depends on, in plan order", () => {
  const targeted = targetPlan(planOf("apply", graph()), ["sandbox.b"]);
  assertEquals(ids(targeted), [
    "create directory.b",
    "create ca.b",
    "create home.b",
    "create sandbox.b",
  ]);
  assertEquals(targeted.targets, ["sandbox.b"]);
});

Deno.test("target: apply leaves out what depends on the target", () => {
  assertEquals(ids(targetPlan(planOf("apply", graph()), ["home.b"])), [
    "create directory.b",
    "create home.b",
  ]);
  assertEquals(ids(targetPlan(planOf("apply", graph()), ["sandbox.c", "ca.b", "ca.b"])), [
    "create ca.b",
    "create directory.c",
    "create sandbox.c",
  ]);
});

Deno.test("target: destroy keeps the target and everything that depends on it", () => {
  const records = graph().map((n) => record(n));
  const targeted = targetPlan(planOf("destroy", [], records), ["directory.b"]);
  assertEquals(ids(targeted).sort(), ["delete directory.b", "delete home.b", "delete sandbox.b"]);
  const full = planOf("destroy", [], records);
  const order = full.actions.map((action) => action.id).filter((id) =>
    ["directory.b", "home.b", "sandbox.b"].includes(id)
  );
  assertEquals(targeted.actions.map((action) => action.id), order);
  assertEquals(ids(targetPlan(full, ["ca.b"])).sort(), ["delete ca.b", "delete sandbox.b"]);
});

Deno.test("target: a removed resource is deleted together with removed ones that depend on it", () => {
  const old = [node("x.b"), node("y.b", ["x.b"]), node("z.b")];
  const plan = planOf("apply", [node("z.b")], old.map((n) => record(n)));
  assertEquals(ids(targetPlan(plan, ["x.b"])).sort(), ["delete x.b", "delete y.b"]);
  assertEquals(ids(targetPlan(plan, ["y.b"])), ["delete y.b"]);
});

Deno.test("target: a rebuilt target brings the dependents it forces to be replaced", () => {
  const before = graph().map((n) => record(n));
  const desired = graph().map((n) => n.id === "home.b" ? { ...n, inputs: { image: "v2" } } : n);
  const plan = planOf("apply", desired, before);
  assertEquals(ids(targetPlan(plan, ["home.b"])), [
    "noop directory.b",
    "noop ca.b",
    "replace home.b",
    "replace sandbox.b",
  ]);
});

Deno.test("target: an unknown id is a clear error listing close matches", () => {
  const plan = planOf("apply", graph());
  const typo = assertThrows(() => targetPlan(plan, ["sandbox.bb", "sandbox.c"]));
  assert_(typo instanceof TargetError);
  assertMatch(
    typo.message,
    /--target names no resource of this plan:\n {2}sandbox\.bb: did you mean sandbox\.b/,
  );
  assertMatch(typo.hint, /resource ids such as directory\.b, ca\.b/);
  assertEquals(closeMatches("c", plan.actions.map((a) => a.id)), ["directory.c", "sandbox.c"]);
  const far = assertThrows(() => targetPlan(plan, ["x".repeat(100_000)]));
  assertMatch(far.message, /x{77}\.\.\.$/);
  assertMatch(
    (assertThrows(() => targetPlan(planOf("destroy", []), ["a"])) as TargetError).hint,
    /no resources/,
  );
});

Deno.test("target: the warning names the targets and what came along", () => {
  assertMatch(targetWarning(["directory.b"], "destroy"), /and what depends on them/);
  assertMatch(
    targetWarning(["sandbox.b", "ca.b"]),
    /targeting is in effect \(--target sandbox\.b, ca\.b\)/,
  );
});
