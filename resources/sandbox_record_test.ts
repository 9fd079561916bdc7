import { assertEquals, assertThrows } from "../tests/assert.ts";
import { RecordError } from "../engine/record_error.ts";
import { parseSandboxRecord as zodParse, sandboxInputs } from "./sandbox.ts";
import { sandboxHandleSchema } from "./handle_file.ts";
import {
  checkSandboxHandle,
  checkSandboxInputs,
  parseSandboxRecord,
  parseWith,
  readSandboxHandleFile,
} from "./sandbox_record.ts";
import type { JsonObject } from "../lib/json.ts";

const INPUTS = {
  backend: "bwrap",
  bottle: "dev",
  workspaceDir: "/w",
  homeDir: "/h",
  runDir: "/r",
  backendDir: "/b",
  trustDir: "/t",
  services: [{ name: "egress", port: 3128, socket: "egress.sock" }],
  roBinds: [{ host: "/cache/cli", inside: "/opt/cli" }],
  extraPath: ["/opt/cli/bin"],
  env: { A: "1", PATH: "/usr/bin" },
};

const HANDLE = {
  backend: "bwrap",
  init: { pid: 10, startTime: 20 },
  inner: { pid: 11, startTime: 21 },
  door: { pid: 12, startTime: 22 },
  ports: [3128],
};

/** Inputs and handles that parse, and variations of them that must not (or must, stripped). */
function variants(base: Record<string, unknown>): unknown[] {
  const out: unknown[] = [base, null, [], "x", 1, {}];
  for (const key of Object.keys(base)) {
    const { [key]: _dropped, ...without } = base;
    out.push(without);
    for (const value of [null, 1, "s", [], {}, [1], ["s"], [{}], { k: 1 }, { k: "v" }, NaN]) {
      out.push({ ...base, [key]: value });
    }
    const value = base[key];
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) {
        out.push({ ...base, [key]: { ...value, [inner]: "wrong" } });
        out.push({ ...base, [key]: { ...value, [inner]: 7 } });
      }
    }
    if (Array.isArray(value) && value.length > 0) {
      out.push({ ...base, [key]: [...value, null] });
      const first = value[0];
      if (first && typeof first === "object") {
        for (const inner of Object.keys(first)) {
          out.push({ ...base, [key]: [{ ...first, [inner]: undefined }] });
        }
      }
    }
  }
  out.push({ ...base, extra: "left out" });
  return out;
}

Deno.test("sandbox record: the light parser agrees with the zod schemas, value and messages", () => {
  const pairs = [
    { light: checkSandboxInputs, zod: sandboxInputs, base: INPUTS },
    { light: checkSandboxHandle, zod: sandboxHandleSchema, base: HANDLE },
  ];
  for (const { light, zod, base } of pairs) {
    for (const value of variants(base)) {
      const expected = zod.safeParse(value);
      const actual = parseWith(light, value);
      const what = JSON.stringify(value);
      assertEquals(actual.ok, expected.success, what);
      if (actual.ok && expected.success) assertEquals(actual.value, expected.data, what);
      if (!actual.ok && !expected.success) {
        assertEquals(
          actual.issues,
          expected.error.issues.map((issue) => ({
            path: issue.path.map(String).join("."),
            message: issue.message,
          })),
          what,
        );
      }
    }
  }
});

Deno.test("sandbox record: spec, handle and errors as the resource type gives them", () => {
  const record = { id: "sandbox.dev", inputs: INPUTS as JsonObject, outputs: HANDLE as JsonObject };
  assertEquals(parseSandboxRecord(record), zodParse(record));
  const noHandle = { ...record, outputs: { backend: "bwrap" } };
  assertEquals(parseSandboxRecord(noHandle), zodParse(noHandle));
  assertEquals(parseSandboxRecord(noHandle).handle, null);
  const broken = { ...record, inputs: { ...INPUTS, services: "none", env: [] } as JsonObject };
  const light = assertThrows(() => parseSandboxRecord(broken));
  const full = assertThrows(() => zodParse(broken));
  assertEquals(light instanceof RecordError, true);
  assertEquals(light.message, full.message);
});

Deno.test("sandbox record: the handle file, absent, valid and malformed", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assertEquals(readSandboxHandleFile(dir, "dev"), null);
    Deno.mkdirSync(`${dir}/bottles/dev`, { recursive: true });
    const path = `${dir}/bottles/dev/sandbox.json`;
    Deno.writeTextFileSync(path, JSON.stringify(HANDLE));
    assertEquals(readSandboxHandleFile(dir, "dev"), HANDLE);
    Deno.writeTextFileSync(path, JSON.stringify({ ...HANDLE, init: { pid: "10" } }));
    assertThrows(
      () => readSandboxHandleFile(dir, "dev"),
      /is malformed \(init\.pid: Invalid input: expected number, received string/,
    );
    Deno.writeTextFileSync(path, "{");
    assertThrows(() => readSandboxHandleFile(dir, "dev"), /remove it and run the command/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
