/**
 * `bottle verify`: the escape suite as an operation. Probes (data and pure judges) by group,
 * the runner, the temporary bottle and the report.
 *
 * @module
 */
export { verify } from "./verify.ts";
export type { VerifyOptions, VerifyReport } from "./verify.ts";
export { ALL_PROBES } from "./probes.ts";
export { runProbes } from "./runner.ts";
export { createTempBottle } from "./temp_bottle.ts";
export {
  exitCodeOf,
  formatLine,
  formatSummary,
  jsonError,
  jsonReport,
  summarize,
} from "./report.ts";
export type { JsonReport, Summary } from "./report.ts";
export { GROUPS } from "./types.ts";
export type { Group, Judgement, Probe, ProbeResult, Verdict, VerifyTarget } from "./types.ts";
