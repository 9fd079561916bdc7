import { assertEquals } from "../tests/assert.ts";
import type { ReadResult } from "../engine/provider.ts";
import { bottleHealth, type HealthInput } from "./bottle_health.ts";

const found: ReadResult = { status: "found", outputs: {}, drift: [] };
const records: HealthInput["records"] = [
  { id: "bottle_dir.b", type: "bottle_dir", status: "ready" },
  { id: "sandbox.b", type: "sandbox", status: "ready" },
];

function input(reads: Record<string, ReadResult>, sandboxStopped = false): HealthInput {
  return {
    records,
    reads: new Map(Object.entries({ "bottle_dir.b": found, "sandbox.b": found, ...reads })),
    sandboxStopped,
  };
}

Deno.test("health: running when the sandbox runs and everything matches", () => {
  assertEquals(bottleHealth(input({})), { health: "running", problems: [] });
});

Deno.test("health: gone without a sandbox, recorded or live", () => {
  const missing: ReadResult = { status: "missing", reason: "bwrap (pid 9) has exited" };
  assertEquals(bottleHealth(input({ "sandbox.b": missing })), {
    health: "gone",
    problems: ["sandbox.b: missing (bwrap (pid 9) has exited)"],
  });
  const unsandboxed = bottleHealth({ ...input({}), records: [records[0]] });
  assertEquals(unsandboxed, { health: "gone", problems: ["no sandbox is recorded"] });
});

Deno.test("health: stopped when the sandbox exists but does not run", () => {
  const missing: ReadResult = { status: "missing", reason: "container x is not running" };
  assertEquals(bottleHealth(input({ "sandbox.b": missing }, true)).health, "stopped");
  assertEquals(
    bottleHealth(input({}, true)).health,
    "stopped",
    "a bwrap pid 1 stopped by a signal",
  );
});

Deno.test("health: drifted when the sandbox runs but another part does not match", () => {
  const cases: [Record<string, ReadResult>, string][] = [
    [{ "bottle_dir.b": { status: "missing", reason: "no dir" } }, "bottle_dir.b: missing (no dir)"],
    [
      { "bottle_dir.b": { status: "error", message: "EACCES" } },
      "bottle_dir.b: unreadable (EACCES)",
    ],
    [
      { "sandbox.b": { status: "found", outputs: {}, drift: ["door down"] } },
      "sandbox.b: door down",
    ],
  ];
  for (const [reads, problem] of cases) {
    assertEquals(bottleHealth(input(reads)), { health: "drifted", problems: [problem] });
  }
  const interrupted = bottleHealth({
    ...input({}),
    records: [records[0], { ...records[1], status: "creating" }],
  });
  assertEquals(interrupted, {
    health: "drifted",
    problems: ["sandbox.b: interrupted while creating"],
  });
});
