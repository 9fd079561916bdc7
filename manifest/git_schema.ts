/** The bottle's `git:` upstreams as a manifest writes them (README "Git gate"). */
import { z } from "zod";
import { GitRemoteError, parseGitRemote } from "./git_remote.ts";
import { fail, secretSource, strict, text } from "./schema_parts.ts";
import { firstControl } from "./yaml_checks.ts";

const gitRemote = text.superRefine((url, ctx) => {
  try {
    parseGitRemote(url);
  } catch (error) {
    if (!(error instanceof GitRemoteError)) throw error;
    fail(ctx, error.message, error.hint);
  }
});

/** A branch glob: `*` within a segment, `**` across; no spaces, `..`, or ref-illegal characters. */
const branchPattern = text.superRefine((pattern, ctx) => {
  if (/[\s\x7f~^:?\[\\]|\.\.|^\/|\/$|\/\//.test(pattern) || pattern.startsWith("refs/")) {
    fail(
      ctx,
      `\`${pattern}\` is not a branch pattern`,
      "write a branch name or glob without `refs/heads/`, e.g. `main` or `agent/*`",
    );
  }
});

const pathGlob = text.superRefine((glob, ctx) => {
  if (
    firstControl(glob, "") !== undefined || glob.startsWith("/") || glob.split("/").includes("..")
  ) {
    fail(
      ctx,
      `\`${glob}\` is not a path glob`,
      "write a path relative to the repository, e.g. `.github/workflows/**`",
    );
  }
});

const gitPush = strict({
  branches: z.array(branchPattern).optional(),
  force: z.array(branchPattern).optional(),
  delete: z.array(branchPattern).optional(),
  tags: z.boolean().optional(),
  protected_paths: z.array(pathGlob).optional(),
  max_bytes: z.number().int().positive().optional(),
  require_identity: z.boolean().optional(),
});

const gitUpstream = strict({
  remote: gitRemote,
  credential: secretSource.optional(),
  username: text.optional(),
  known_hosts: text.optional(),
  protected_branches: z.array(branchPattern).default([]),
  push: gitPush.optional(),
}).superRefine((upstream, ctx) => {
  let transport: string;
  try {
    transport = parseGitRemote(upstream.remote).transport;
  } catch {
    return;
  }
  if (transport === "ssh" && upstream.credential?.env !== undefined) {
    fail(
      ctx,
      "an SSH upstream's credential is a private key file",
      "write `credential: {file: ~/.ssh/KEY}`",
      {
        path: ["credential"],
      },
    );
  }
  if (transport === "ssh" && upstream.username !== undefined) {
    fail(
      ctx,
      "`username` is for https upstreams",
      "put the SSH user in the URL: `ssh://USER@host/…`",
      {
        path: ["username"],
      },
    );
  }
  if (transport !== "ssh" && upstream.known_hosts !== undefined) {
    fail(
      ctx,
      "`known_hosts` is for SSH upstreams",
      "remove it; https upstreams are checked by TLS",
      {
        path: ["known_hosts"],
      },
    );
  }
});

/** An upstream's name: the gate's URL path (`/NAME.git`) and how plans name its mirror. */
const gitName = z.string().superRefine((name, ctx) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name.endsWith(".git")) {
    fail(
      ctx,
      `\`${name}\` is not an upstream name`,
      "name it with letters, digits, `.`, `_` and `-`, e.g. `app` or `github.com` (not ending in `.git`)",
      { at: "key" },
    );
  }
});

/** Upstreams by name, e.g. `app: {remote: git@github.com:org/app.git}`. */
export const git = z.record(gitName, gitUpstream);
