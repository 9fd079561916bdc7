import assert from "node:assert/strict";
import { join } from "node:path";
import { BoundedReadError, readBounded, readBoundedText } from "./bounded_read.ts";

async function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bounded-read-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function mkfifo(path: string): void {
  const made = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  assert.ok(made.success, "mkfifo");
}

function reasonOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof BoundedReadError, `expected BoundedReadError, got ${error}`);
    return `${error.reason}: ${error.message}`;
  }
  throw new assert.AssertionError({ message: "expected the read to fail" });
}

Deno.test("a regular file within the limit is read whole", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "f");
    await Deno.writeTextFile(path, "hello\n");
    assert.equal(readBoundedText(path, 6), "hello\n");
    assert.deepEqual(readBounded(join(dir, "f"), 100), new TextEncoder().encode("hello\n"));
  });
});

Deno.test("a file over the limit fails by its size, before it is read", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "f");
    await Deno.writeTextFile(path, "x".repeat(11));
    assert.match(reasonOf(() => readBounded(path, 10)), /^too-large: .* 11 bytes, more than .* 10/);
  });
});

Deno.test("/dev/zero is refused without allocating", () => {
  const before = Deno.memoryUsage().rss;
  assert.match(reasonOf(() => readBounded("/dev/zero", 1024)), /^not-regular: .*character device/);
  assert.ok(Deno.memoryUsage().rss - before < 64 * 1024 * 1024);
});

Deno.test("a FIFO with no writer is refused at once, never waited on", async () => {
  await withDir((dir) => {
    const path = join(dir, "fifo");
    mkfifo(path);
    const started = performance.now();
    assert.match(reasonOf(() => readBounded(path, 1024)), /^not-regular: .*FIFO/);
    assert.ok(performance.now() - started < 2000);
  });
});

Deno.test("a pseudo-file that reports size 0 is read as empty, never blocked on", () => {
  try {
    assert.equal(readBounded("/proc/kmsg", 1024).length, 0);
  } catch (error) {
    assert.ok(error instanceof BoundedReadError && error.reason === "unreadable", String(error));
  }
});

Deno.test("a symlink loop, a directory and a missing file are clear errors", async () => {
  await withDir(async (dir) => {
    await Deno.symlink(join(dir, "b"), join(dir, "a"));
    await Deno.symlink(join(dir, "a"), join(dir, "b"));
    assert.match(reasonOf(() => readBounded(join(dir, "a"), 10)), /^unreadable: .*symbolic links/);
    assert.match(reasonOf(() => readBounded(dir, 10)), /^not-regular: .*directory/);
    assert.match(reasonOf(() => readBounded(join(dir, "none"), 10)), /^unreadable: .*no such/);
  });
});

Deno.test("invalid UTF-8 is an error, not replacement characters", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "f");
    await Deno.writeFile(path, new Uint8Array([0x61, 0xff, 0x62]));
    assert.match(reasonOf(() => readBoundedText(path, 10)), /^not-utf8: /);
  });
});
