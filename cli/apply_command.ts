/** `apply [PLANFILE]`: make live resources match the manifests, or apply a saved plan. */
import { apply } from "../app/apply.ts";
import { readPlanFile } from "../app/plan_file_io.ts";
import { fromCaller } from "./caller_dir.ts";
import { confirm } from "./confirm.ts";
import { workspaceSourceOf } from "./plan_command.ts";
import { printEvent, reportApply } from "./render.ts";
import { sessionFor } from "./session.ts";

export interface ApplyOptions {
  dir: string;
  yes?: boolean;
  lockTimeout: string;
  /** 1..64, checked by the option parser. */
  parallelism: number;
  cwd?: string | true;
  /** `--target ID` (repeatable). */
  target?: string[];
}

export async function applyCommand(
  planFile: string | undefined,
  options: ApplyOptions,
): Promise<number> {
  // A saved plan records its project: it applies from anywhere, whatever --dir says.
  const saved = planFile === undefined ? undefined : readPlanFile(fromCaller(planFile));
  const session = sessionFor(saved?.project ?? options.dir);
  const report = await apply(session, {
    saved,
    savedFrom: planFile,
    targets: options.target,
    workspaceSource: workspaceSourceOf(options.cwd),
    lockTimeout: options.lockTimeout,
    parallelism: options.parallelism,
    approve: () => confirm("Apply these changes?", options.yes ?? false),
    onEvent: printEvent,
  });
  return reportApply(report);
}
