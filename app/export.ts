/**
 * Export: the one way results leave a bottle's workspace (`bottle export BOTTLE`). Inside,
 * as the agent, `git bundle create - --branches` writes a bundle to a host file; on the host,
 * `git fetch` reads that file into REPO as `refs/remotes/bottle/BOTTLE/*`. Nothing from the
 * bottle runs on the host, and the operator's branches and work tree are left alone.
 */
import { join, resolve } from "node:path";
import { getBackend } from "../backends/mod.ts";
import { resolveStateDir } from "../engine/state_dir.ts";
import { StateLookup } from "../engine/state_lookup.ts";
import { gitOutput } from "../lib/git.ts";
import { UserError } from "./errors.ts";
import { findSandbox } from "./sandbox.ts";

export interface ExportRequest {
  /** The repository to fetch into; default the one the workspace was seeded from. */
  to?: string;
}

/** One branch as exported: `bottle/BOTTLE/BRANCH`, its short commit id and subject. */
export interface ExportedRef {
  ref: string;
  sha: string;
  subject: string;
}

export interface ExportReport {
  bottle: string;
  repo: string;
  /** What git fetch said (without the temporary bundle's name); printable. */
  fetchOutput: string;
  /** Every ref of the bottle in the repository now. */
  refs: ExportedRef[];
}

/** Fetches the bottle's branches into a repository as `refs/remotes/bottle/BOTTLE/*`. */
export async function exportBottle(
  bottle: string,
  request: ExportRequest = {},
): Promise<ExportReport> {
  const { handle, spec } = findSandbox(bottle);
  const repo = await targetRepo(bottle, request.to);
  const backend = getBackend(handle.backend);
  const status = backend.status(handle);
  if (status.state === "gone") {
    throw new UserError(
      `bottle "${bottle}" is not running (${status.reason})`,
      "run `deno task apply` to bring it back; its workspace is kept",
    );
  }
  const scratch = await Deno.makeTempDir({ prefix: "bottle-export-" });
  let fetchOutput: string;
  try {
    const bundle = join(scratch, `${bottle}.bundle`);
    const errors = join(scratch, "stderr");
    const code = await backend.exec(handle, spec, ["git", "bundle", "create", "-", "--branches"], {
      tty: false,
      cwd: "/workspace",
      capture: { stdout: bundle, stderr: errors },
    });
    if (code !== 0) throw bundleFailed(bottle, code, await Deno.readTextFile(errors));
    fetchOutput = await fetchBundle(repo, bottle, bundle);
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
  return { bottle, repo, fetchOutput, refs: await exportedRefs(repo, bottle) };
}

/** `--to`, else the repository the workspace was seeded from (recorded in state). */
async function targetRepo(bottle: string, to: string | undefined): Promise<string> {
  const repo = to === undefined ? recordedSource(bottle) : resolve(to);
  if (repo === undefined) {
    throw new UserError(
      `bottle "${bottle}"'s workspace was not seeded from a repository, so there is no default`,
      `name the repository to fetch into: deno task bottle export ${bottle} --to PATH`,
    );
  }
  const check = await gitOutput(["-C", repo, "rev-parse", "--git-dir"]);
  if (check.code !== 0) {
    throw new UserError(
      `${repo} is not a git repository (${check.stderr.trim() || `exit ${check.code}`})`,
      to === undefined
        ? `the workspace's source has moved or gone; pass --to PATH of a repository`
        : "pass --to PATH of a git repository",
    );
  }
  return repo;
}

function recordedSource(bottle: string): string | undefined {
  const state = new StateLookup(resolveStateDir());
  try {
    const source = state.record(`workspace.${bottle}`)?.inputs.source;
    return typeof source === "string" ? source : undefined;
  } finally {
    state.close();
  }
}

function bundleFailed(bottle: string, code: number, stderr: string): UserError {
  const said = printable(stderr).trim();
  if (/need a repository|not a git repository/i.test(said)) {
    return new UserError(
      `bottle "${bottle}"'s /workspace is not a git repository`,
      "seed the workspace from a checkout (`workspace:` in the bottle, or apply --cwd) " +
        `when it is created, or run \`git init\` and commit inside: deno task bottle shell ${bottle}`,
    );
  }
  if (/empty bundle/i.test(said)) {
    return new UserError(
      `bottle "${bottle}"'s workspace has no branch with a commit to export`,
      `commit inside first: deno task bottle exec ${bottle} -- git commit …`,
    );
  }
  return new UserError(
    `git bundle inside bottle "${bottle}" failed (exit ${code}): ${said.slice(-2000)}`,
    `look inside: deno task bottle exec ${bottle} -- git status`,
  );
}

/** Reads the bundle into REPO's `refs/remotes/bottle/BOTTLE/*`, and nowhere else. */
async function fetchBundle(repo: string, bottle: string, bundle: string): Promise<string> {
  const result = await gitOutput([
    "-C",
    repo,
    "fetch",
    "--no-write-fetch-head",
    "--no-recurse-submodules",
    "--no-tags",
    bundle,
    `+refs/heads/*:refs/remotes/bottle/${bottle}/*`,
  ]);
  // git names the temporary bundle in a `From …` line; it is gone once this returns.
  const said = printable(`${result.stdout}${result.stderr}`).split("\n")
    .filter((line) => !line.startsWith("From ")).join("\n").trim();
  if (result.code !== 0) {
    throw new UserError(
      `git fetch of bottle "${bottle}"'s bundle into ${repo} failed: ${said}`,
      "the bundle is not kept; fix the cause and export again",
    );
  }
  return said;
}

async function exportedRefs(repo: string, bottle: string): Promise<ExportedRef[]> {
  const listed = await gitOutput([
    "-C",
    repo,
    "for-each-ref",
    "--format=%(refname:lstrip=2)%00%(objectname:short)%00%(subject)",
    `refs/remotes/bottle/${bottle}/`,
  ]);
  return listed.stdout.split("\n").filter((line) => line !== "").map((line) => {
    const [ref = "", sha = "", subject = ""] = line.split("\0").map(printable);
    return { ref, sha, subject };
  });
}

/** Text from the bottle (branch names, commit subjects, git's messages) without controls. */
function printable(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "?");
}
