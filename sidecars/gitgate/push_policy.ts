/**
 * The push decision, pure: each ref update of one push, with facts the hook gathered from
 * git, against the upstream's `GatePushPolicy`. Every refusal names its rule and says what
 * would have to change.
 */

import { globMatcher } from "./glob.ts";
import type { GatePushPolicy } from "./wire.ts";

export const ZERO_OID = /^0+$/;

export interface RefUpdate {
  ref: string;
  old: string;
  new: string;
}

export interface Identity {
  name: string;
  email: string;
}

export interface PushedCommit {
  oid: string;
  author: Identity;
  committer: Identity;
  /** Paths the commit touches (both sides of a rename). */
  paths: string[];
}

export interface RefFacts {
  /** Whether `old` is an ancestor of `new`; only asked for updates of existing branches. */
  fastForward: boolean;
  /** The commits this update brings that the mirror does not have yet. */
  commits: PushedCommit[];
}

export interface Verdict {
  ref: string;
  allow: boolean;
  /** `push:<rule>`; `push:allowed` when allowed. */
  rule: string;
  message: string;
}

export type RefChange = "create" | "update" | "delete";

export function changeOf(update: RefUpdate): RefChange {
  if (ZERO_OID.test(update.old)) return "create";
  if (ZERO_OID.test(update.new)) return "delete";
  return "update";
}

const BRANCH = "refs/heads/";
const TAG = "refs/tags/";

function deny(ref: string, rule: string, message: string): Verdict {
  return { ref, allow: false, rule: `push:${rule}`, message };
}

/** A checker for one upstream's policy (globs compiled once). */
export function pushPolicy(upstream: string, policy: GatePushPolicy): (
  update: RefUpdate,
  facts: RefFacts,
) => Verdict {
  const isProtected = globMatcher(policy.protected_branches);
  const mayPush = globMatcher(policy.branches);
  const mayForce = globMatcher(policy.force);
  const mayDelete = globMatcher(policy.delete);
  const protectedPath = globMatcher(policy.protected_paths);
  const identities = policy.require_identity;
  const where = `the push policy of upstream ${upstream}`;

  function contentVerdict(ref: string, commits: PushedCommit[]): Verdict | null {
    for (const commit of commits) {
      const touched = commit.paths.find(protectedPath);
      if (touched !== undefined) {
        return deny(
          ref,
          "protected-path",
          `commit ${commit.oid.slice(0, 12)} touches protected path "${touched}" ` +
            `(protected_paths in ${where}); leave it unchanged, a human must make that change`,
        );
      }
      if (identities === undefined) continue;
      for (
        const [role, who] of [["author", commit.author], ["committer", commit.committer]] as const
      ) {
        if (!identities.some((id) => id.name === who.name && id.email === who.email)) {
          const allowed = identities.map((id) => `${id.name} <${id.email}>`).join(", ");
          return deny(
            ref,
            "identity",
            `commit ${commit.oid.slice(0, 12)} has ${role} "${who.name} <${who.email}>", ` +
              `not one of ${allowed} (require_identity in ${where}); ` +
              `set user.name and user.email and rewrite the commit`,
          );
        }
      }
    }
    return null;
  }

  function branchVerdict(update: RefUpdate, facts: RefFacts): Verdict {
    const { ref } = update;
    const branch = ref.slice(BRANCH.length);
    const change = changeOf(update);
    if (isProtected(branch)) {
      return deny(
        ref,
        "protected-branch",
        `branch "${branch}" is protected (protected_branches in ${where}); ` +
          `push to another branch and ask for a review`,
      );
    }
    if (change === "delete") {
      if (mayDelete(branch)) return { ref, allow: true, rule: "push:allowed", message: "deleted" };
      return deny(
        ref,
        "delete",
        `deleting branch "${branch}" is not allowed (delete in ${where} does not match it)`,
      );
    }
    if (!mayPush(branch)) {
      return deny(
        ref,
        "branch",
        `branch "${branch}" matches none of ${JSON.stringify(policy.branches)} ` +
          `(branches in ${where}); push to a branch that does`,
      );
    }
    if (change === "update" && !facts.fastForward && !mayForce(branch)) {
      return deny(
        ref,
        "force",
        `the update of "${branch}" is not a fast-forward and force-pushing it is not allowed ` +
          `(force in ${where}); fetch, rebase or merge onto the upstream branch, then push again`,
      );
    }
    return contentVerdict(ref, facts.commits) ??
      {
        ref,
        allow: true,
        rule: "push:allowed",
        message: change === "create" ? "created" : "updated",
      };
  }

  function tagVerdict(update: RefUpdate, facts: RefFacts): Verdict {
    const { ref } = update;
    const tag = ref.slice(TAG.length);
    if (!policy.tags) {
      return deny(
        ref,
        "tags",
        `pushing tags is not allowed (tags in ${where}); push branches only`,
      );
    }
    if (changeOf(update) !== "create") {
      return deny(
        ref,
        "tag-immutable",
        `tag "${tag}" already exists upstream; tags may only be created, never moved or deleted`,
      );
    }
    return contentVerdict(ref, facts.commits) ??
      { ref, allow: true, rule: "push:allowed", message: "created" };
  }

  return (update, facts) => {
    if (update.ref.startsWith(BRANCH)) return branchVerdict(update, facts);
    if (update.ref.startsWith(TAG)) return tagVerdict(update, facts);
    return deny(
      update.ref,
      "ref-namespace",
      `"${update.ref}" is neither a branch (refs/heads/) nor a tag (refs/tags/); the gate pushes only those`,
    );
  };
}
