/**
 * `bottle export BOTTLE [--to REPO]`: fetches a bottle's branches into REPO as
 * `refs/remotes/bottle/BOTTLE/*` (see app/export.ts); prints what git said and the refs.
 */
import { exportBottle } from "../app/export.ts";

export interface ExportOptions {
  to?: string;
}

export async function exportCommand(bottle: string, options: ExportOptions): Promise<number> {
  const report = await exportBottle(bottle, { to: options.to });
  if (report.fetchOutput !== "") console.log(report.fetchOutput);
  console.log(`Exported bottle "${bottle}" into ${report.repo}:`);
  const width = Math.max(...report.refs.map(({ ref }) => ref.length));
  for (const { ref, sha, subject } of report.refs) {
    console.log(`  ${ref.padEnd(width)}  ${sha}  ${subject}`);
  }
  return 0;
}
