import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Plan } from "../engine/plan.ts";
import { UserError } from "./errors.ts";
import { MAX_PLAN_FILE_BYTES, parsePlanFile } from "./plan_file.ts";
import { resourceTypes } from "./session.ts";

const MAKE_ONE = "make one with: deno task plan --out FILE";

/** Writes a plan file atomically (a 0600 temporary beside it, then renamed into place). */
export function writePlanFile(path: string, plan: Plan): void {
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new UserError(
      `cannot save the plan to ${path}: directory ${dir} does not exist`,
      "create the directory first, or pass another path to --out",
    );
  }
  const scratch = join(dir, `.${basename(path)}.tmp-${Deno.pid}`);
  try {
    const fd = openSync(scratch, "wx", 0o600);
    try {
      writeSync(fd, JSON.stringify(plan));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(scratch, path);
  } catch (error) {
    rmSync(scratch, { force: true });
    throw new UserError(
      `cannot save the plan to ${path}: ${(error as Error).message}`,
      "pass a path in a directory you can write to --out",
    );
  }
}

/** Reads and strictly checks a saved plan; `types`: the resource types known (default: all). */
export function readPlanFile(
  path: string,
  types: ReadonlySet<string> = resourceTypes(),
): Plan {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UserError(`no plan file at ${path}`, MAKE_ONE);
  }
  if (!stat.isFile()) throw new UserError(`${path} is not a regular file`, MAKE_ONE);
  if (stat.size > MAX_PLAN_FILE_BYTES) {
    throw new UserError(`${path} is too large to be a bot-bottle plan file`, MAKE_ONE);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the plan file ${path}: ${(error as Error).message}`, MAKE_ONE);
  }
  return parsePlanFile(path, text, types);
}
