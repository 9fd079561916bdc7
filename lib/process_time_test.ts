import { assert_, assertEquals } from "../tests/assert.ts";
import { identify } from "./process.ts";
import { bootSeconds, processStartedAt, startedAt } from "./process_time.ts";

Deno.test("process time: ticks after boot are a wall-clock start", () => {
  assertEquals(startedAt(1_700_000_000, 250).toISOString(), "2023-11-14T22:13:22.500Z");
  assertEquals(bootSeconds("cpu  1 2 3\nbtime 1700000000\nprocesses 9\n"), 1_700_000_000);
  assertEquals(bootSeconds("cpu  1 2 3\n"), null);
});

Deno.test("process time: this process started moments ago", () => {
  const started = processStartedAt(identify(Deno.pid)!);
  assert_(started !== null, "/proc/stat has a boot time");
  const age = Date.now() - started.getTime();
  assert_(age >= -1000 && age < 10 * 60_000, `started ${age} ms ago`);
});
