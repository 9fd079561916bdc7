/** Small pure helpers shared by the judges: verdicts, quoting, the usual probe shape. */
import type { Facts, Group, Judgement, Probe, ScriptResult } from "./types.ts";

export const pass = (evidence: string): Judgement => ({ verdict: "PASS", evidence });
export const fail = (evidence: string): Judgement => ({ verdict: "FAIL", evidence });
export const skip = (evidence: string): Judgement => ({ verdict: "SKIP", evidence });

/** PASS when every judgement passes (all their evidence), else FAIL with the failing ones'. */
export function combine(...judgements: Judgement[]): Judgement {
  return allOf(judgements.map((j) => ({ ok: j.verdict !== "FAIL", evidence: j.evidence })));
}

/** PASS when every check holds, else FAIL with the failing checks' evidence first. */
export function allOf(checks: { ok: boolean; evidence: string }[]): Judgement {
  const bad = checks.filter((check) => !check.ok);
  const shown = bad.length > 0 ? bad : checks;
  const evidence = shown.map((check) => check.evidence).join("; ");
  return bad.length > 0 ? fail(evidence) : pass(evidence);
}

/** A script's output when it printed nothing usable: status and the start of stderr. */
export function noOutput(result: ScriptResult): string {
  return `the probe script printed nothing usable (${exitStatus(result)})`;
}

/** `exit 127: sh: perl: not found / more`: the status and the start of stderr. */
export function exitStatus(result: ScriptResult): string {
  const stderr = result.stderr.trim().split("\n").slice(0, 2).join(" / ");
  return `exit ${result.code}${stderr ? `: ${stderr}` : ""}`;
}

/** Single-quotes `value` for /bin/sh. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Single-quotes `value` for a Perl string literal. */
export function perlQuote(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** The usual shape of a probe: a script inside as the agent, judged by a pure function. */
export function scripted(
  meta: Pick<Probe, "id" | "group" | "property" | "destructive"> & { group: Group },
  script: (facts: Facts) => string,
  judge: (result: ScriptResult, facts: Facts) => Judgement,
): Probe {
  return {
    ...meta,
    run: async (io): Promise<Judgement> => judge(await io.inside(script(io.facts)), io.facts),
  };
}
