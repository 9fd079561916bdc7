import { callerDir } from "./caller_dir.ts";
import { UserError } from "./errors.ts";
import {
  exitCodeOf,
  formatLine,
  formatSummary,
  jsonError,
  jsonReport,
  verify,
} from "../app/verify/mod.ts";

export interface VerifyCommandOptions {
  json?: boolean;
  dir?: string;
  destructive?: boolean;
}

/**
 * `bottle verify [BOTTLE]`: one line per probe (`PASS|FAIL|SKIP  ID  EVIDENCE`) as it runs,
 * then a summary; exit 1 on any FAIL. `--json`: one document at the end (errors too).
 */
export async function verifyCommand(
  bottle: string | undefined,
  options: VerifyCommandOptions,
): Promise<number> {
  if (options.json) return await verifyJson(bottle, options);
  const report = await verify({
    bottle,
    dir: options.dir,
    cwd: callerDir(),
    destructive: options.destructive,
    onResult: (result) => console.log(formatLine(result)),
    onProgress: (message) => console.error(message),
  });
  console.log(formatSummary(report.results, report.bottle, report.kind));
  return exitCodeOf(report.results);
}

async function verifyJson(
  bottle: string | undefined,
  options: VerifyCommandOptions,
): Promise<number> {
  try {
    const report = await verify({
      bottle,
      dir: options.dir,
      cwd: callerDir(),
      destructive: options.destructive,
    });
    console.log(JSON.stringify(jsonReport(report.results, report.bottle, report.kind), null, 2));
    return exitCodeOf(report.results);
  } catch (error) {
    if (Deno.env.get("BOT_BOTTLE_DEBUG") && error instanceof Error) console.error(error.stack);
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof UserError ? error.hint : (error as { fix?: string } | null)?.fix;
    console.log(JSON.stringify(jsonError(message, hint), null, 2));
    return error instanceof UserError ? error.exitCode : 1;
  }
}
