/**
 * Host-side git, run only on repositories the operator trusts (their own checkout, or a
 * copy whose config bot-bottle has already rewritten). Never on anything a bottle wrote.
 */
import { CommandError, commandError, runOutput, type RunResult } from "./command.ts";

/** Variables that would point git at another repository than the one named with `-C`. */
const REPO_LOCATING = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

export type GitResult = RunResult;

export class GitError extends CommandError {
  override name = "GitError";
}

/** The operator's environment without the variables that relocate a repository. */
export function hostGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of REPO_LOCATING) delete env[name];
  return { ...env, GIT_TERMINAL_PROMPT: "0", ...extra };
}

/** Runs `git ARGS…` and returns its output, whatever the exit status. */
export function gitOutput(args: string[]): Promise<GitResult> {
  return runOutput("git", args, {
    env: hostGitEnv(),
    clearEnv: true,
    install: "apt-get install -y git",
  });
}

/** Runs `git ARGS…`; throws a GitError naming the command and git's message on failure. */
export async function git(args: string[]): Promise<string> {
  const result = await gitOutput(args);
  if (result.code !== 0) throw new GitError(commandError("git", args, result).message, result);
  return result.stdout;
}
