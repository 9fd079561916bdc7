import { assertEquals, assertMatch } from "../tests/assert.ts";
import {
  directorySize,
  formatBytes,
  formatProgress,
  type ProgressSink,
  startProgress,
} from "./progress.ts";
import { sleep } from "./wait.ts";

function fakeSink(terminal: boolean): ProgressSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    isTerminal: () => terminal,
    writeSync(bytes: Uint8Array): number {
      lines.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
}

Deno.test("on a terminal, progress ticks with elapsed time and bytes, then says done", async () => {
  const sink = fakeSink(true);
  const progress = startProgress({
    label: "installing x@1",
    measure: () => 3 * 1048576,
    intervalMs: 20,
    sink,
  });
  await sleep(70);
  progress.stop("installed");
  const count = sink.lines.length;
  assertMatch(sink.lines[0], /^installing x@1: 0s, 3\.0 MB so far\n$/);
  assertMatch(sink.lines[count - 1], /^installing x@1: installed after 0s\n$/);
  await sleep(50);
  assertEquals(sink.lines.length, count);
});

Deno.test("piped, progress prints nothing", async () => {
  const sink = fakeSink(false);
  const progress = startProgress({ label: "x", intervalMs: 5, sink });
  await sleep(30);
  progress.stop("done");
  assertEquals(sink.lines, []);
});

Deno.test("formatting and directory size", async () => {
  assertEquals(formatProgress("boot", 75_000), "boot: 1m15s");
  assertEquals(formatBytes(2048), "2 kB");
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/a/b`, { recursive: true });
  await Deno.writeFile(`${dir}/a/b/f`, new Uint8Array(1000));
  await Deno.writeFile(`${dir}/g`, new Uint8Array(24));
  await Deno.symlink("/etc/passwd", `${dir}/link`);
  assertEquals(directorySize(dir), 1024);
  assertEquals(directorySize(`${dir}/missing`), 0);
  await Deno.remove(dir, { recursive: true });
});
