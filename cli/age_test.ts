import { assertEquals } from "../tests/assert.ts";
import { age } from "./age.ts";

Deno.test("age: seconds, minutes, hours, days", () => {
  const now = new Date("2026-01-10T12:00:00Z");
  const ago = (seconds: number): string =>
    age(new Date(now.getTime() - seconds * 1000).toISOString(), now);
  assertEquals([ago(0), ago(119), ago(600), ago(3 * 3600), ago(5 * 86_400)], [
    "0s",
    "119s",
    "10m",
    "3h",
    "5d",
  ]);
  assertEquals(age("2026-01-10T12:00:09Z", now), "0s", "a clock slightly ahead is now");
});
