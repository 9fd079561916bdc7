import { assertEquals } from "../tests/assert.ts";
import { StateStore } from "./state.ts";

const base = {
  id: "sandbox.dev",
  type: "sandbox",
  bottle: "dev",
  project: "/p",
  inputs: { a: 1 },
  outputs: null,
  dependsOn: ["door.dev"],
  replaceWith: [],
  status: "creating" as const,
  error: null,
};

Deno.test("state: records round-trip, survive reopening, and bump the project serial", async () => {
  const dir = await Deno.makeTempDir();
  const store = new StateStore(dir);
  assertEquals(store.serial("/p"), 0);
  store.upsert(base);
  store.upsert({ ...base, status: "ready", outputs: { pid: 3 } });
  assertEquals(store.serial("/p"), 2);
  assertEquals(store.serial("/other"), 0);
  store.close();
  const reopened = new StateStore(dir);
  const record = reopened.get("sandbox.dev");
  assertEquals(record?.status, "ready");
  assertEquals(record?.outputs, { pid: 3 });
  assertEquals(record?.dependsOn, ["door.dev"]);
  reopened.remove("sandbox.dev");
  assertEquals(reopened.all(), []);
  assertEquals(reopened.serial("/p"), 3);
  const mode =
    (reopened.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode;
  assertEquals(mode, "wal");
});

Deno.test("state: the journal keeps begin/done/failed entries in order", async () => {
  const store = new StateStore(await Deno.makeTempDir());
  store.journal("x", "create", "begin");
  store.journal("x", "create", "failed", "boom");
  assertEquals(store.journalTail(5).map((e) => `${e.phase}:${e.detail}`), [
    "begin:null",
    "failed:boom",
  ]);
});

Deno.test("state: processes opening a new database at the same moment all succeed", async () => {
  const dir = await Deno.makeTempDir();
  const script = `import { StateStore } from "${new URL("./state.ts", import.meta.url).href}";
new StateStore(Deno.args[0]).close();`;
  const file = `${dir}/open.ts`;
  await Deno.writeTextFile(file, script);
  const runs = Array.from(
    { length: 4 },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", file, `${dir}/state`],
        stderr: "piped",
      })
        .output(),
  );
  for (const output of await Promise.all(runs)) {
    assertEquals(output.success, true, new TextDecoder().decode(output.stderr));
  }
});
