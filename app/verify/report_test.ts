import { assertEquals, assertMatch } from "../../tests/assert.ts";
import {
  exitCodeOf,
  formatLine,
  formatSummary,
  jsonError,
  jsonReport,
  summarize,
} from "./report.ts";
import type { ProbeResult } from "./types.ts";

const results: ProbeResult[] = [
  { id: "processes.init-not-traceable", group: "processes", verdict: "FAIL", evidence: "x" },
  { id: "network.only-lo", group: "network", verdict: "PASS", evidence: "interfaces: lo" },
  { id: "door.survives-kill-all", group: "door", verdict: "SKIP", evidence: "destructive" },
];

Deno.test("one line per probe: verdict, id, evidence on one line", () => {
  assertMatch(formatLine(results[1]), /^PASS {2}network\.only-lo +interfaces: lo$/);
  assertMatch(formatLine({ ...results[1], evidence: "a\n  b" }), / a \/ b$/);
});

Deno.test("summary and exit code: 1 on any FAIL, SKIP is neither", () => {
  assertEquals(summarize(results), { passed: 1, failed: 1, skipped: 1 });
  assertEquals(exitCodeOf(results), 1);
  assertEquals(exitCodeOf(results.filter((r) => r.verdict !== "FAIL")), 0);
  assertMatch(
    formatSummary(results, "b", "named"),
    /1 passed, 1 failed, 1 skipped — bottle "b": it is NOT sealed/,
  );
  assertMatch(
    formatSummary([], "verify", "temporary"),
    /0 passed, 0 failed, 0 skipped — a temporary bottle \(removed\)$/,
  );
});

Deno.test("JSON: probes in group order with their property; errors as JSON too", () => {
  const json = jsonReport(results, "b", "named");
  assertEquals(json.ok, false);
  assertEquals(json.probes.map((p) => p.group), ["network", "door", "processes"]);
  assertEquals(json.probes[0].property, "the only interface is lo");
  assertEquals(jsonError("no bottle", "apply one"), {
    error: { message: "no bottle", hint: "apply one" },
  });
  assertEquals(jsonError("boom"), { error: { message: "boom" } });
});
