/**
 * The DLP corpus through the real proxy, for its test and `deno task bench`: run.ts sends
 * every case, report.ts turns the outcomes into figures and text.
 */
export { type CorpusOptions, runDlpCorpus } from "./run.ts";
export {
  type CaseOutcome,
  type CorpusReport,
  corpusSummary,
  type Rate,
  renderCorpusReport,
} from "./report.ts";
