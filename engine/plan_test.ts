import { assertEquals, assertThrows } from "../tests/assert.ts";
import type { JsonObject } from "../lib/json.ts";
import type { ResourceNode } from "./graph.ts";
import type { PlanInput } from "./plan.ts";
import { planChanges, summarize } from "./plan.ts";
import type { Plan } from "./plan.ts";
import { diffInputs } from "./diff.ts";
import type { ReadResult } from "./provider.ts";
import type { ResourceRecord } from "./state.ts";
import { recordOf } from "./testing.ts";

const node = (
  id: string,
  inputs: JsonObject,
  dependsOn: string[] = [],
  replaceWith: string[] = [],
): ResourceNode => ({
  id,
  type: id.split(".")[0],
  bottle: "b",
  inputs,
  dependsOn,
  replaceWith,
});

const record = recordOf;

const found = (drift: string[] = []): ReadResult => ({ status: "found", outputs: {}, drift });

function plan(
  desired: ResourceNode[],
  records: ResourceRecord[],
  reads: [string, ReadResult][],
  mode: PlanInput["mode"] = "apply",
): Plan {
  return planChanges({
    mode,
    project: "/p",
    serial: 3,
    desired,
    records,
    reads: new Map(reads),
    diff: (_type, a, b) => diffInputs(a, b, ["image"], true),
    repairsDriftInPlace: (type) => type !== "proc",
    now: new Date(0),
  });
}

const kinds = (p: ReturnType<typeof plan>): string[] => p.actions.map((a) => `${a.kind} ${a.id}`);

const dir = node("dir.b", { path: "/x" });
const proc = node("proc.b", { image: "v1", env: "a" }, ["dir.b"], ["dir.b"]);

Deno.test("plan: empty state creates everything in dependency order", () => {
  const p = plan([proc, dir], [], []);
  assertEquals(kinds(p), ["create dir.b", "create proc.b"]);
  assertEquals(summarize(p), { add: 2, change: 0, destroy: 0 });
  assertEquals(p.serial, 3);
});

Deno.test("plan: matching live state is a noop", () => {
  const p = plan([dir, proc], [record(dir), record(proc)], [["dir.b", found()], [
    "proc.b",
    found(),
  ]]);
  assertEquals(kinds(p), ["noop dir.b", "noop proc.b"]);
});

Deno.test("plan: an updatable change is an update, a replace key a replace", () => {
  const changedEnv = node("proc.b", { image: "v1", env: "b" }, ["dir.b"]);
  const p1 = plan([dir, changedEnv], [record(dir), record(proc)], [["dir.b", found()], [
    "proc.b",
    found(),
  ]]);
  assertEquals(kinds(p1), ["noop dir.b", "update proc.b"]);
  assertEquals(p1.actions[1].changed, ["env"]);
  const changedImage = node("proc.b", { image: "v2", env: "a" }, ["dir.b"]);
  const p2 = plan([dir, changedImage], [record(dir), record(proc)], [["dir.b", found()], [
    "proc.b",
    found(),
  ]]);
  assertEquals(kinds(p2), ["noop dir.b", "replace proc.b"]);
  assertEquals(p2.actions[1].forcesReplacement, ["image"]);
  assertEquals(summarize(p2), { add: 1, change: 0, destroy: 1 });
});

Deno.test("plan: a resource gone behind our back is recreated and says why", () => {
  const p = plan([dir, proc], [record(dir), record(proc)], [["dir.b", found()], ["proc.b", {
    status: "missing",
    reason: "process 12 exited",
  }]]);
  assertEquals(kinds(p), ["noop dir.b", "create proc.b"]);
  assertEquals(p.actions[1].reasons, ["gone: process 12 exited"]);
});

Deno.test("plan: drift is repaired in place or by replacement, per provider", () => {
  const p = plan([dir, proc], [record(dir), record(proc)], [["dir.b", found(["sub missing"])], [
    "proc.b",
    found(["port closed"]),
  ]]);
  assertEquals(kinds(p), ["update dir.b", "replace proc.b"]);
  assertEquals(p.actions[0].reasons, ["drifted: sub missing"]);
});

Deno.test("plan: rebuilding a dependency replaces dependents that declare replaceWith", () => {
  const p = plan([dir, proc], [record(dir), record(proc)], [["dir.b", {
    status: "missing",
    reason: "rm -rf",
  }], [
    "proc.b",
    found(),
  ]]);
  assertEquals(kinds(p), ["create dir.b", "replace proc.b"]);
  assertEquals(p.actions[1].reasons, ["replaced because dir.b is rebuilt"]);
});

Deno.test("plan: resources no longer desired are deleted, dependents first", () => {
  const p = plan([], [record(dir), record(proc)], [["dir.b", found()], ["proc.b", found()]]);
  assertEquals(kinds(p), ["delete proc.b", "delete dir.b"]);
  assertEquals(summarize(p), { add: 0, change: 0, destroy: 2 });
});

Deno.test("plan: destroy uses recorded edges and needs no reads", () => {
  const p = plan([dir, proc], [record(proc), record(dir)], [], "destroy");
  assertEquals(kinds(p), ["delete proc.b", "delete dir.b"]);
});

Deno.test("plan: an interrupted step found complete is settled, found missing is redone", () => {
  const p1 = plan([dir, proc], [record(dir, "creating"), record(proc, "updating")], [[
    "dir.b",
    found(),
  ], [
    "proc.b",
    { status: "missing", reason: "never started" },
  ]]);
  assertEquals(kinds(p1), ["settle dir.b", "create proc.b"]);
  assertEquals(p1.actions[0].observed, {});
});

Deno.test("plan: an unreadable resource stops the plan instead of guessing", () => {
  assertThrows(
    () => plan([dir], [record(dir)], [["dir.b", { status: "error", message: "EACCES" }]]),
    /could not read the live state of:\n {2}dir.b: EACCES/,
  );
});

Deno.test("plan: a cycle in the desired graph is an error", () => {
  const a = node("x.a", {}, ["x.c"]);
  const c = node("x.c", {}, ["x.a"]);
  assertThrows(() => plan([a, c], [], []), /dependency cycle among x.a, x.c/);
});
