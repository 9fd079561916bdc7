import { assert_, assertEquals } from "../tests/assert.ts";
import { MemoryProvider } from "../tests/memory_provider.ts";
import type { ResourceNode } from "./graph.ts";
import { applyPlan, stepsOf } from "./apply.ts";
import type { ApplyResult } from "./apply.ts";
import { planChanges } from "./plan.ts";
import type { Plan } from "./plan.ts";
import type { Provider } from "./provider.ts";
import { readLive } from "./refresh.ts";
import { StateStore } from "./state.ts";

const node = (id: string, dependsOn: string[] = [], image = "v1"): ResourceNode => ({
  id,
  type: "mem",
  bottle: id.split(".")[1] ?? "b",
  inputs: { image, name: id },
  dependsOn,
  replaceWith: [],
});

interface Fixture {
  store: StateStore;
  provider: MemoryProvider;
  providers: Map<string, Provider>;
}

async function fixture(): Promise<Fixture> {
  const provider = new MemoryProvider("mem");
  return {
    store: new StateStore(await Deno.makeTempDir()),
    provider,
    providers: new Map<string, Provider>([["mem", provider]]),
  };
}

async function planAndApply(
  f: Fixture,
  desired: ResourceNode[],
  mode: Plan["mode"] = "apply",
  parallelism = 4,
): Promise<{ plan: Plan; result: ApplyResult }> {
  const records = f.store.forProject("/p");
  const ctx = { stateDir: f.store.stateDir, env: {} };
  const plan = planChanges({
    mode,
    project: "/p",
    serial: f.store.serial("/p"),
    desired,
    records,
    reads: await readLive(records, f.providers, ctx),
    diff: (_t, a, b) => f.provider.diff(a, b),
    repairsDriftInPlace: () => true,
  });
  const result = await applyPlan(plan, {
    store: f.store,
    providers: f.providers,
    ctx,
    parallelism,
  });
  return { plan, result };
}

const graph = [
  node("root.b"),
  node("left.b", ["root.b"]),
  node("right.b", ["root.b"]),
  node("leaf.b", ["left.b"]),
];

Deno.test("apply: creates in dependency order and records every resource ready", async () => {
  const f = await fixture();
  const { result } = await planAndApply(f, graph);
  assertEquals(result.failed, []);
  const order = f.provider.calls;
  assert_(order.indexOf("create root.b") < order.indexOf("create left.b"));
  assert_(order.indexOf("create left.b") < order.indexOf("create leaf.b"));
  assertEquals(f.store.forProject("/p").map((r) => `${r.id}:${r.status}`), [
    "leaf.b:ready",
    "left.b:ready",
    "right.b:ready",
    "root.b:ready",
  ]);
  assertEquals(f.store.get("leaf.b")?.outputs, { made: "leaf.b" });
});

Deno.test("apply: a second apply is a noop and bumps no serial", async () => {
  const f = await fixture();
  await planAndApply(f, graph);
  const serial = f.store.serial("/p");
  const { plan } = await planAndApply(f, graph);
  assertEquals(plan.actions.every((a) => a.kind === "noop"), true);
  assertEquals(f.store.serial("/p"), serial);
});

Deno.test("apply: a failure skips dependents only and leaves state true", async () => {
  const f = await fixture();
  f.provider.failOn.add("create left.b");
  const { result } = await planAndApply(f, graph);
  assertEquals(result.failed.map((x) => x.key), ["create:left.b"]);
  assertEquals(result.skipped, ["create:leaf.b"]);
  assertEquals([...f.provider.live.keys()].sort(), ["right.b", "root.b"]);
  const left = f.store.get("left.b");
  assertEquals(left?.status, "creating");
  assertEquals(left?.error, "injected failure: create left.b");
  assertEquals(f.store.get("leaf.b"), undefined);
  f.provider.failOn.clear();
  const again = await planAndApply(f, graph);
  assertEquals(
    again.plan.actions.filter((a) => a.kind !== "noop").map((a) => `${a.kind} ${a.id}`),
    [
      "create left.b",
      "create leaf.b",
    ],
  );
  assertEquals(f.store.get("left.b")?.status, "ready");
});

Deno.test("apply: parallelism is bounded and independent branches run together", async () => {
  const f = await fixture();
  f.provider.delayMs = 20;
  const wide = [
    node("root.b"),
    ...Array.from({ length: 8 }, (_, i) => node(`n${i}.b`, ["root.b"])),
  ];
  await planAndApply(f, wide, "apply", 3);
  assertEquals(f.provider.maxInFlight, 3);
});

Deno.test("apply: replace deletes before it creates; destroy walks recorded edges in reverse", async () => {
  const f = await fixture();
  await planAndApply(f, graph);
  f.provider.calls.length = 0;
  const changed = graph.map((n) => n.id === "left.b" ? node("left.b", ["root.b"], "v2") : n);
  await planAndApply(f, changed);
  assertEquals(f.provider.calls, ["delete left.b", "create left.b"]);
  f.provider.calls.length = 0;
  await planAndApply(f, [], "destroy");
  const calls = f.provider.calls;
  assert_(calls.indexOf("delete leaf.b") < calls.indexOf("delete left.b"));
  assert_(calls.indexOf("delete left.b") < calls.indexOf("delete root.b"));
  assert_(calls.indexOf("delete right.b") < calls.indexOf("delete root.b"));
  assertEquals(f.store.forProject("/p"), []);
  assertEquals(f.provider.live.size, 0);
});

Deno.test("apply: steps of a replace chain order delete(dependent) < delete(dep) < create(dep) < create(dependent)", () => {
  const dep = node("dep.b");
  const child = { ...node("child.b", ["dep.b"]), replaceWith: ["dep.b"] };
  const rec = (n: ResourceNode) => ({
    ...n,
    project: "/p",
    outputs: {},
    status: "ready" as const,
    error: null,
    updatedAt: "",
  });
  const plan: Plan = {
    format: 1,
    mode: "apply",
    project: "/p",
    serial: 0,
    createdAt: "",
    actions: [dep, child].map((n) => ({
      id: n.id,
      type: n.type,
      bottle: n.bottle,
      kind: "replace" as const,
      reasons: [],
      changed: [],
      forcesReplacement: [],
      before: n.inputs,
      node: n,
      record: rec(n),
    })),
  };
  const steps = new Map(stepsOf(plan).map((s) => [s.key, s.after]));
  assertEquals(steps.get("delete:dep.b"), ["delete:child.b"]);
  assertEquals(steps.get("create:dep.b"), ["delete:dep.b"]);
  assertEquals(steps.get("create:child.b"), ["create:dep.b", "delete:child.b"]);
});
