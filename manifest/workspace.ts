/**
 * A bottle's `workspace:`: the operator's git checkout its workspace is seeded from. It
 * must be the top of a main work tree (a `.git` directory), checked when manifests load.
 */
import { existsSync, lstatSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ManifestError } from "./errors.ts";
import type { Locator } from "./positions.ts";
import type { RawBottle } from "./schema.ts";

export interface PathProblem {
  message: string;
  hint: string;
}

const TOP_HINT = "point it at the directory that holds `.git` (`git rev-parse --show-toplevel` " +
  "prints it), or run `git init` there";

/** Why `path` cannot seed a workspace, or null when it is the top of a main work tree. */
export function workTreeProblem(path: string): PathProblem | null {
  if (!existsSync(path)) {
    return { message: `${path} does not exist`, hint: "create it, or fix the path" };
  }
  if (!statSync(path).isDirectory()) {
    return { message: `${path} is not a directory`, hint: TOP_HINT };
  }
  let git;
  try {
    git = lstatSync(resolve(path, ".git"));
  } catch {
    return { message: `${path} is not the top of a git work tree (no .git in it)`, hint: TOP_HINT };
  }
  if (git.isFile()) {
    return {
      message: `${path} is a linked worktree or a submodule checkout (its .git is a file)`,
      hint: "point it at the main checkout, whose .git is a directory " +
        "(`git rev-parse --path-format=absolute --git-common-dir` names that .git)",
    };
  }
  if (!git.isDirectory()) {
    return { message: `${path}/.git is not a directory`, hint: TOP_HINT };
  }
  return null;
}

/** `~/` is the operator's home; any other relative path starts at the manifest's directory. */
export function resolveWorkspacePath(value: string, manifestFile: string, home: string): string {
  const expanded = value === "~" || value.startsWith("~/") ? `${home}${value.slice(1)}` : value;
  return resolve(dirname(manifestFile), expanded);
}

/**
 * Checks a bottle's `workspace:` and replaces it in `raw` by the real, absolute path.
 * Returns false (with the error added) when it cannot seed a workspace.
 */
export function checkWorkspaceKey(
  file: string,
  raw: RawBottle,
  locate: Locator,
  errors: ManifestError[],
  home: string = Deno.env.get("HOME") ?? "/",
): boolean {
  if (raw.workspace === undefined) return true;
  const path = resolveWorkspacePath(raw.workspace, file, home);
  const problem = workTreeProblem(path);
  if (problem === null) {
    raw.workspace = realpathSync(path);
    return true;
  }
  const { line, col } = locate(["workspace"]);
  errors.push(
    new ManifestError(
      file,
      line,
      col,
      `\`workspace\`: ${problem.message}`,
      `${problem.hint}; a relative path starts at the manifest's directory, \`~/\` at your home`,
    ),
  );
  return false;
}
