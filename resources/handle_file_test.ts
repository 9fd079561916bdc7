import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertEquals, assertThrows } from "../tests/assert.ts";
import {
  readBundleHandle,
  readSandboxHandle,
  sandboxHandlePath,
  writeHandle,
} from "./handle_file.ts";

const HANDLE = {
  backend: "bwrap",
  init: { pid: 10, startTime: 100 },
  inner: { pid: 11, startTime: 101 },
  ports: [3128],
};

function stateDir(): string {
  const dir = Deno.makeTempDirSync({ prefix: "bb-handles-" });
  mkdirSync(join(dir, "bottles", "dev"), { recursive: true });
  return dir;
}

Deno.test("handle files: written whole, read back parsed; none is null", () => {
  const dir = stateDir();
  try {
    assertEquals(readSandboxHandle(dir, "dev"), null);
    writeHandle(sandboxHandlePath(dir, "dev"), HANDLE);
    assertEquals(readSandboxHandle(dir, "dev"), HANDLE);
    assertEquals(existsSync(`${sandboxHandlePath(dir, "dev")}.tmp`), false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("handle files: a malformed one is an error naming the file and what to do", () => {
  const dir = stateDir();
  try {
    const sandbox = join(dir, "bottles", "dev", "sandbox.json");
    writeFileSync(sandbox, JSON.stringify({ ...HANDLE, init: { pid: "10" } }));
    assertThrows(
      () => readSandboxHandle(dir, "dev"),
      /sandbox handle file .*sandbox\.json is malformed \(init\.pid: .*\); remove it/,
    );
    writeFileSync(join(dir, "bottles", "dev", "bundle.json"), '{"supervisor": ');
    assertThrows(
      () => readBundleHandle(dir, "dev"),
      /sidecar bundle handle file .*bundle\.json is malformed .*finds a running sidecar bundle/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
