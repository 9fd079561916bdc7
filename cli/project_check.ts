import { existsSync } from "node:fs";
import { fromCaller } from "./caller_dir.ts";
import { UserError } from "./errors.ts";
import type { Session } from "./session.ts";

/**
 * `--dir` must name a manifest directory, or a project whose directory is gone but whose
 * resources are still recorded (destroy and drift work from state alone). Anything else is
 * a typo that would otherwise report "nothing to do".
 */
export function assertProjectExists(session: Session, dir: string): void {
  if (existsSync(fromCaller(dir))) return;
  if (session.store.forProject(session.project).length > 0) return;
  throw new UserError(
    `--dir ${dir}: no such directory (${session.project}), and nothing is recorded for it`,
    "pass the manifest directory you applied from; `deno task bottle list` shows every project",
  );
}
