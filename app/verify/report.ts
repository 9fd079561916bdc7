/** How a verify's results are shown: one line per probe and a summary, or one JSON document. */
import { GROUPS, type ProbeResult, type Verdict } from "./types.ts";
import { ALL_PROBES } from "./probes.ts";

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

export function summarize(results: readonly ProbeResult[]): Summary {
  const count = (verdict: Verdict): number => results.filter((r) => r.verdict === verdict).length;
  return { passed: count("PASS"), failed: count("FAIL"), skipped: count("SKIP") };
}

/** 1 when any probe failed, else 0. */
export function exitCodeOf(results: readonly ProbeResult[]): number {
  return results.some((result) => result.verdict === "FAIL") ? 1 : 0;
}

const ID_WIDTH = Math.max(...ALL_PROBES.map((probe) => probe.id.length));

/** `PASS  network.only-lo              interfaces: lo` (evidence on one line). */
export function formatLine(result: ProbeResult): string {
  const evidence = result.evidence.replace(/\s*\n\s*/g, " / ");
  return `${result.verdict.padEnd(4)}  ${result.id.padEnd(ID_WIDTH)}  ${evidence}`;
}

export function formatSummary(
  results: readonly ProbeResult[],
  bottle: string,
  kind: "temporary" | "named",
): string {
  const { passed, failed, skipped } = summarize(results);
  const what = kind === "temporary" ? `a temporary bottle (removed)` : `bottle "${bottle}"`;
  return `\n${passed} passed, ${failed} failed, ${skipped} skipped — ${what}` +
    (failed > 0 ? ": it is NOT sealed as it should be" : "");
}

export interface JsonReport {
  bottle: string;
  kind: "temporary" | "named";
  ok: boolean;
  summary: Summary;
  probes: (ProbeResult & { property: string })[];
}

export function jsonReport(
  results: readonly ProbeResult[],
  bottle: string,
  kind: "temporary" | "named",
): JsonReport {
  const properties = new Map(ALL_PROBES.map((probe) => [probe.id, probe.property]));
  const order = (result: ProbeResult): number => GROUPS.indexOf(result.group);
  return {
    bottle,
    kind,
    ok: exitCodeOf(results) === 0,
    summary: summarize(results),
    probes: [...results].sort((a, b) => order(a) - order(b)).map((result) => ({
      id: result.id,
      group: result.group,
      verdict: result.verdict,
      evidence: result.evidence,
      property: properties.get(result.id) ?? "",
    })),
  };
}

/** An error as the JSON document `--json` prints instead of a report. */
export function jsonError(
  message: string,
  hint?: string,
): { error: { message: string; hint?: string } } {
  return { error: hint ? { message, hint } : { message } };
}
