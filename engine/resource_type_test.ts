import { z } from "zod";
import { assert_, assertEquals, assertRejects, assertThrows } from "../tests/assert.ts";
import type { JsonObject } from "../lib/json.ts";
import { diffInputs } from "./diff.ts";
import { jsonObjectOf } from "./json_data.ts";
import type { ProviderContext, ResourceInstance } from "./provider.ts";
import { readLive } from "./refresh.ts";
import { defineResource, type Instance, RecordError } from "./resource_type.ts";
import type { ResourceRecord } from "./state.ts";

const ctx: ProviderContext = { stateDir: "/nonexistent", env: {} };

const inputs = z.object({
  path: z.string(),
  size: z.number(),
  tags: z.array(z.string()).optional(),
  note: z.string().optional(),
});
type Inputs = z.infer<typeof inputs>;
const outputs = z.object({ made: z.string() });
type Outputs = z.infer<typeof outputs>;

/** What the typed provider was handed, so tests can see the parsing. */
const seen: Instance<Inputs, Outputs>[] = [];

const thing = defineResource({
  type: "thing",
  inputs,
  outputs,
  replaceKeys: ["path"],
  ignoreChanges: ["note"],
  repairsDriftInPlace: true,
  upgrade: (recorded: JsonObject): JsonObject =>
    typeof recorded.bytes === "number" ? { size: recorded.bytes, ...recorded } : recorded,
  read(_ctx, instance): Promise<{ status: "found"; outputs: Outputs; drift: string[] }> {
    seen.push(instance);
    return Promise.resolve({ status: "found", outputs: { made: instance.inputs.path }, drift: [] });
  },
  create(_ctx, instance): Promise<Outputs> {
    seen.push(instance);
    return Promise.resolve({ made: `${instance.inputs.path}:${instance.inputs.size}` });
  },
  delete(_ctx, instance): Promise<void> {
    seen.push(instance);
    return Promise.resolve();
  },
});

const replaced = defineResource({
  type: "process",
  inputs: z.object({ argv: z.array(z.string()), env: z.record(z.string(), z.string()) }),
  outputs,
  replaceKeys: "all",
  repairsDriftInPlace: false,
  read: (): Promise<{ status: "missing"; reason: string }> =>
    Promise.resolve({ status: "missing", reason: "never" }),
  create: (): Promise<Outputs> => Promise.resolve({ made: "p" }),
  delete: (): Promise<void> => Promise.resolve(),
});

function instance(inputs: JsonObject, outputs: JsonObject | null = null): ResourceInstance {
  return { id: "thing.dev", type: "thing", bottle: "dev", inputs, outputs };
}

Deno.test("defineResource: the default diff is diffInputs over the schema's keys", () => {
  const cases: [JsonObject, JsonObject][] = [
    [{ path: "/a", size: 1 }, { path: "/a", size: 1 }],
    [{ path: "/a", size: 2 }, { path: "/a", size: 1 }],
    [{ path: "/b", size: 2 }, { path: "/a", size: 1 }],
    [{ path: "/a", size: 1, tags: ["x"] }, { path: "/a", size: 1 }],
    [{ path: "/a", size: 1 }, { path: "/a", size: 1, tags: [] }],
  ];
  for (const [desired, recorded] of cases) {
    assertEquals(thing.diff(desired, recorded), diffInputs(desired, recorded, ["path"], true));
  }
  assertEquals(thing.replaceKeys, ["path"]);
  assertEquals(thing.update, undefined, "no update given, none offered to the engine");
});

Deno.test("defineResource: ignored keys and keys no longer in the schema plan nothing", () => {
  const noted = thing.diff({ path: "/a", size: 1, note: "new" }, { path: "/a", size: 1 });
  assertEquals(noted.action, "noop");
  const legacy = thing.diff({ path: "/a", size: 1 }, { path: "/a", size: 1, gone: { x: 1 } });
  assertEquals(legacy.action, "noop");
});

Deno.test("defineResource: replaceKeys all: every change replaces, naming every key", () => {
  const result = replaced.diff({ argv: ["a"], env: { A: "1" } }, { argv: ["b"], env: {} });
  assertEquals(result, {
    action: "replace",
    changed: ["argv", "env"],
    forcesReplacement: ["argv", "env"],
  });
  assertEquals(replaced.replaceKeys, ["argv", "env"]);
});

Deno.test("defineResource: providers get parsed inputs and outputs; results become JSON", async () => {
  seen.length = 0;
  const made = await thing.create(ctx, instance({ path: "/a", size: 3, extra: true }));
  assertEquals(made, { made: "/a:3" });
  assertEquals(seen[0].inputs, { path: "/a", size: 3 }, "unknown keys are dropped");
  const read = await thing.read(ctx, instance({ path: "/a", size: 3 }, { made: "/a:3" }));
  assertEquals(read, { status: "found", outputs: { made: "/a" }, drift: [] });
  assertEquals(seen[1].outputs, { made: "/a:3" });
});

Deno.test("defineResource: recorded outputs that do not parse count as none", async () => {
  seen.length = 0;
  await thing.delete(ctx, instance({ path: "/a", size: 3 }, { made: 7 }));
  assertEquals(seen[0].outputs, null);
  assertEquals(thing.outputsOf({ outputs: { made: "x" } }), { made: "x" });
});

Deno.test("defineResource: rows of an older version are upgraded before they are parsed", async () => {
  seen.length = 0;
  await thing.delete(ctx, instance({ path: "/old", bytes: 9 }));
  assertEquals(seen[0].inputs, { path: "/old", size: 9 });
});

Deno.test("defineResource: a state row that does not parse names the row and what to do", async () => {
  const error = await assertRejects(
    () => thing.delete(ctx, instance({ path: 5, size: "big" })),
    /state row of thing\.dev \(thing\)/,
  );
  assert_(error instanceof RecordError);
  assert_(error.message.includes("path: "), error.message);
  assert_(error.message.includes("size: "), error.message);
  assert_(error.message.includes("deno task bottle state rm thing.dev"), error.message);
  await assertRejects(
    () => thing.create(ctx, instance({ path: "/a" })),
    /planned inputs of thing\.dev \(thing\) are not valid \(size: .*\); make a new plan/,
  );
});

Deno.test("defineResource: an unusable row is an unreadable resource, not a crash", async () => {
  const record: ResourceRecord = {
    ...instance({ path: ["no"] }),
    project: "/p",
    dependsOn: [],
    replaceWith: [],
    status: "ready",
    error: null,
    updatedAt: "",
  };
  const reads = await readLive([record], new Map([["thing", thing]]), ctx);
  const read = reads.get("thing.dev");
  assert_(read?.status === "error", JSON.stringify(read));
  assert_(read.message.includes("state rm thing.dev"), read.message);
});

Deno.test("defineResource: node() records typed inputs as JSON, validated", () => {
  const node = thing.node({
    id: "thing.dev",
    bottle: "dev",
    inputs: { path: "/a", size: 1, tags: undefined },
    dependsOn: ["dir.dev"],
  });
  assertEquals(node, {
    id: "thing.dev",
    type: "thing",
    bottle: "dev",
    inputs: { path: "/a", size: 1 },
    dependsOn: ["dir.dev"],
    replaceWith: [],
  });
  assertThrows(() =>
    thing.node({ id: "thing.dev", bottle: "dev", inputs: { path: "/a", size: NaN }, dependsOn: [] })
  );
});

Deno.test("jsonObjectOf: drops undefined keys; refuses what JSON cannot hold", () => {
  assertEquals(jsonObjectOf({ a: 1, b: undefined, c: [{ d: null }] }, "x"), {
    a: 1,
    c: [{ d: null }],
  });
  assertThrows(() => jsonObjectOf({ n: Infinity }, "x"), /x\.n is Infinity/);
  assertThrows(() => jsonObjectOf({ d: new Date() }, "x"), /x\.d is not JSON data/);
  assertThrows(() => jsonObjectOf({ f: () => 1 }, "x"), /x\.f is not JSON data/);
  assertThrows(() => jsonObjectOf([1], "x"), /x is not a JSON object/);
});
