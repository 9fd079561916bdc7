/** `plan`: what apply (or, with --destroy, destroy) would change; optionally saved to a file. */
import { plan } from "../app/plan.ts";
import { writePlanFile } from "../app/plan_file_io.ts";
import { planJson } from "../engine/render.ts";
import { fromCaller } from "./caller_dir.ts";
import { planText, printEvent, targetNotice, unsetWarnings } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface PlanOptions {
  dir: string;
  out?: string;
  json?: boolean;
  detailedExitcode?: boolean;
  destroy?: boolean;
  /** `--cwd [dir]`: seed workspaces of bottles without `workspace:` from this checkout. */
  cwd?: string | true;
  /** `--lock-timeout`: how long to wait for an apply or destroy in progress. */
  lockTimeout?: string;
  /** `--target ID` (repeatable). */
  target?: string[];
}

export async function planCommand(options: PlanOptions): Promise<number> {
  const session = sessionFor(options.dir);
  const report = await plan(session, {
    destroy: options.destroy,
    targets: options.target,
    workspaceSource: workspaceSourceOf(options.cwd),
    lockTimeout: options.lockTimeout,
    onEvent: printEvent,
  });
  const planned = report.plan;
  if (options.json) console.log(JSON.stringify(planJson(planned), null, 2));
  else console.log(planText(planned));
  if (options.json && planned.targets) console.error(targetNotice(planned).trimEnd());
  for (const warning of unsetWarnings(report.unsetSecrets)) console.error(warning);
  if (options.out) {
    writePlanFile(fromCaller(options.out), planned);
    if (!options.json) {
      console.log(
        `Saved the plan to ${options.out}: apply it with \`deno task apply ${options.out}\`.`,
      );
    }
  }
  return options.detailedExitcode && report.changes ? 2 : 0;
}

/** `--cwd` alone means the directory the command was run in. */
export function workspaceSourceOf(cwd: string | true | undefined): string | undefined {
  return cwd === true ? "." : cwd;
}
