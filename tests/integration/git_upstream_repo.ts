/**
 * Bare repositories standing for an upstream, for the git gate's tests: made, changed and read
 * with stock `git` plumbing (no work tree, no one's git config), so a test can say what the
 * upstream holds before and after the gate touched it.
 */
import { join } from "node:path";
import { run, runOutput } from "../../lib/command.ts";

/** Who commits upstream, and no system or user config read: the same on every machine. */
const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Upstream",
  GIT_AUTHOR_EMAIL: "upstream@example.invalid",
  GIT_COMMITTER_NAME: "Upstream",
  GIT_COMMITTER_EMAIL: "upstream@example.invalid",
};

function git(repoPath: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return run("git", [`--git-dir=${repoPath}`, ...args], { env: { ...GIT_ENV, ...env } });
}

/**
 * Makes `path` a bare repository whose `main` holds one commit (a README), with non-fast-forward
 * pushes allowed. Returns that commit's sha.
 */
export async function makeUpstreamRepo(path: string): Promise<string> {
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", path], { env: GIT_ENV });
  await git(path, ["config", "receive.denyNonFastForwards", "false"]);
  return await commitUpstream(path, "README.md", "upstream\n");
}

/**
 * A commit on the upstream's `main` made after set-up (as someone else pushing would): `file`
 * (a path, directories allowed) set to `text`, everything else as it was. Returns its sha.
 */
export async function commitUpstream(
  repoPath: string,
  file: string,
  text: string,
): Promise<string> {
  const parent = await headOf(repoPath, "refs/heads/main");
  const scratch = await Deno.makeTempDir({ prefix: "bb-upstream-index-" });
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    if (parent !== null) await git(repoPath, ["read-tree", parent], env);
    const blob = (await run("git", [`--git-dir=${repoPath}`, "hash-object", "-w", "--stdin"], {
      env: GIT_ENV,
      stdin: text,
    })).trim();
    await git(repoPath, ["update-index", "--add", "--cacheinfo", `100644,${blob},${file}`], env);
    const tree = (await git(repoPath, ["write-tree"], env)).trim();
    const parents = parent === null ? [] : ["-p", parent];
    const commit =
      (await git(repoPath, ["commit-tree", tree, ...parents, "-m", `upstream: ${file}`]))
        .trim();
    await git(repoPath, ["update-ref", "refs/heads/main", commit, ...(parent ? [parent] : [])]);
    return commit;
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

/**
 * Makes the upstream refuse every push with `message` (its pre-receive hook prints it and
 * exits 1), as a host's own branch protection would.
 */
export async function installUpstreamPreReceive(repoPath: string, message: string): Promise<void> {
  const hooks = join(repoPath, "hooks");
  await Deno.mkdir(hooks, { recursive: true });
  await Deno.writeTextFile(join(hooks, "refusal.txt"), `${message}\n`);
  const script = '#!/bin/sh\ncat >/dev/null\ncat "$(dirname "$0")/refusal.txt" >&2\nexit 1\n';
  await Deno.writeTextFile(join(hooks, "pre-receive"), script, { mode: 0o755 });
  await Deno.chmod(join(hooks, "pre-receive"), 0o755);
}

/** Whether the upstream holds the object `sha` (pushed or fetched there). */
export async function upstreamHasObject(repoPath: string, sha: string): Promise<boolean> {
  const result = await runOutput("git", [`--git-dir=${repoPath}`, "cat-file", "-e", sha], {
    env: GIT_ENV,
  });
  return result.code === 0;
}

/** Every ref of the upstream: `{ "refs/heads/main": sha, … }`. */
export async function upstreamRefs(repoPath: string): Promise<Record<string, string>> {
  const out = await git(repoPath, ["for-each-ref", "--format=%(refname) %(objectname)"]);
  const refs: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const [name, sha] = line.split(" ");
    if (name && sha) refs[name] = sha;
  }
  return refs;
}

async function headOf(repoPath: string, ref: string): Promise<string | null> {
  const result = await runOutput("git", [
    `--git-dir=${repoPath}`,
    "rev-parse",
    "--verify",
    "-q",
    ref,
  ], {
    env: GIT_ENV,
  });
  return result.code === 0 ? result.stdout.trim() : null;
}
