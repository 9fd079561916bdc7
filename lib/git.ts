/**
 * Host-side git, run only on repositories the operator trusts (their own checkout, or a
 * copy whose config bot-bottle has already rewritten). Never on anything a bottle wrote.
 */

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

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  override name = "GitError";
  constructor(message: string, readonly result: GitResult) {
    super(message);
  }
}

/** The operator's environment without the variables that relocate a repository. */
export function hostGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of REPO_LOCATING) delete env[name];
  return { ...env, GIT_TERMINAL_PROMPT: "0", ...extra };
}

/** Runs `git ARGS…` and returns its output, whatever the exit status. */
export async function gitOutput(args: string[]): Promise<GitResult> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("git", {
      args,
      env: hostGitEnv(),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("git is not installed on this machine (apt-get install -y git)");
    }
    throw error;
  }
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs `git ARGS…`; throws a GitError naming the command and git's message on failure. */
export async function git(args: string[]): Promise<string> {
  const result = await gitOutput(args);
  if (result.code !== 0) {
    const message = result.stderr.trim() || `exit status ${result.code}`;
    throw new GitError(`git ${args.join(" ")}: ${message}`, result);
  }
  return result.stdout;
}
