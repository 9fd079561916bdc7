/** What git says about a push's ref updates, read in the quarantine (pushed objects visible). */

import { failure, runGit } from "./git_run.ts";
import { changeOf, type PushedCommit, type RefFacts, type RefUpdate } from "./push_policy.ts";

const TIMEOUT_MS = 120_000;

/** Undoes git's C-style quoting of an odd path (`"a\"b\303\251"`). */
export function unquotePath(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"') || path.length < 2) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== "\\") {
      bytes.push(...new TextEncoder().encode(char));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const FORMAT = "%x01%H%x02%an%x02%ae%x02%cn%x02%ce";

/** Parses `git log --name-only --format=FORMAT` output. */
export function parseLog(text: string): PushedCommit[] {
  return text.split("\x01").filter((record) => record !== "").map((record) => {
    const [header, ...rest] = record.split("\n");
    const [oid, an, ae, cn, ce] = header.split("\x02");
    return {
      oid,
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      paths: rest.filter((line) => line !== "").map(unquotePath),
    };
  });
}

export async function refFacts(env: Record<string, string>, update: RefUpdate): Promise<RefFacts> {
  const change = changeOf(update);
  if (change === "delete") return { fastForward: true, commits: [] };
  let fastForward = true;
  if (change === "update" && update.ref.startsWith("refs/heads/")) {
    const ancestry = await runGit(["merge-base", "--is-ancestor", update.old, update.new], {
      env,
      timeoutMs: TIMEOUT_MS,
    });
    if (ancestry.code > 1) throw new Error(failure(ancestry, "git merge-base"));
    fastForward = ancestry.code === 0;
  }
  const range = [update.new, "--not", "--all"];
  // `-c`: merges list the paths they change against every parent (an evil merge's own edits).
  const commits = await pushedLog(env, ["-c"], range);
  // A merge may also keep a parent's side where git would have merged (an old version of a
  // protected file over the newer one): `--remerge-diff` lists the paths where it differs
  // from git's own merge of its parents. Octopus merges have none: every parent's diff counts.
  const extra = [
    ...await pushedLog(env, ["--merges", "--max-parents=2", "--remerge-diff"], range),
    ...await pushedLog(env, ["--min-parents=3", "-m"], range),
  ];
  const byOid = new Map(commits.map((commit) => [commit.oid, commit]));
  for (const commit of extra) {
    const known = byOid.get(commit.oid);
    if (known === undefined) continue;
    for (const path of commit.paths) if (!known.paths.includes(path)) known.paths.push(path);
  }
  return { fastForward, commits };
}

async function pushedLog(
  env: Record<string, string>,
  mode: string[],
  range: string[],
): Promise<PushedCommit[]> {
  const log = await runGit([
    "-c",
    "core.quotePath=true",
    "log",
    ...mode,
    "--no-renames",
    "--name-only",
    `--format=${FORMAT}`,
    ...range,
  ], { env, timeoutMs: TIMEOUT_MS, maxOutput: 64 << 20 });
  if (log.code !== 0 || log.truncated) {
    throw new Error(failure(log, "git log of the pushed commits"));
  }
  return parseLog(log.stdout);
}
