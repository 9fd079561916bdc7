import assert from "node:assert/strict";
import { join } from "node:path";
import { readSecret, SecretUnavailable } from "./secret_source.ts";

function failure(file: string): string {
  try {
    readSecret({ file }, {});
  } catch (error) {
    assert.ok(error instanceof SecretUnavailable, String(error));
    return error.message;
  }
  throw new assert.AssertionError({ message: "expected the secret to be unavailable" });
}

Deno.test("a secret file that is a device, a FIFO or too large is refused at once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "secret-source-" });
  try {
    const fifo = join(dir, "fifo");
    new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
    await Deno.writeTextFile(join(dir, "big"), "x".repeat(70_000));
    const started = performance.now();
    assert.match(failure("/dev/zero"), /\/dev\/zero: a character device, not a regular file/);
    assert.match(failure(fifo), /fifo: a FIFO/);
    assert.match(failure(join(dir, "big")), /70000 bytes, more than the limit of 65536/);
    assert.ok(performance.now() - started < 2000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a secret file with a NUL or several lines is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "secret-source-" });
  try {
    await Deno.writeTextFile(join(dir, "nul"), "ab\0cd\n");
    await Deno.writeTextFile(join(dir, "ok"), "token\n");
    assert.match(failure(join(dir, "nul")), /control characters/);
    assert.equal(readSecret({ file: join(dir, "ok") }, {}), "token");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
