/**
 * The push decision, pure: each ref update of one push, with facts the hook gathered from
 * git, against the upstream's `GatePushPolicy` and the supervise grants live at the time of
 * the push. Every refusal names its rule and says what would have to change.
 */

import { globMatcher, globToRegExp } from "./glob.ts";
import type { GateGrant, GatePushPolicy } from "./wire.ts";

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
  /** `push:<rule>`; `push:allowed` when allowed, `grant:request N` when a grant allowed it. */
  rule: string;
  message: string;
  /** The supervise request whose grant let the branch through (allowed verdicts only). */
  grant?: number;
}

/** Supervise grants as the push decision sees them. */
export interface PushGrants {
  /** The policy's grants; those of other upstreams are ignored. */
  grants: readonly GateGrant[];
  /** The time of the push (epoch ms): a grant is live while its `expires_at` is later. */
  now: number;
  /** The bottle has supervise: a branch refused by `branches` says the agent may ask. */
  supervise: boolean;
}

const NO_GRANTS: PushGrants = { grants: [], now: 0, supervise: false };

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

/**
 * A checker for one upstream's policy (globs compiled once). A branch matching a live grant
 * of this upstream is allowed as if `branches` listed it; every other rule (protected
 * branches and paths, force, delete, tags, identity) still applies.
 */
export function pushPolicy(
  upstream: string,
  policy: GatePushPolicy,
  granted: PushGrants = NO_GRANTS,
): (
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
  const grants = granted.grants.filter((g) => g.upstream === upstream).map((g) => ({
    grant: g,
    matches: globToRegExp(g.branch),
    expiresAt: g.expires_at === undefined ? null : Date.parse(g.expires_at),
  }));
  const isLive = (expiresAt: number | null): boolean =>
    expiresAt === null || expiresAt > granted.now;

  /** The live grant for `branch` (the longest-lasting), or null. */
  function grantFor(branch: string): GateGrant | null {
    const live = grants.filter((g) => g.matches.test(branch) && isLive(g.expiresAt));
    live.sort((a, b) => (b.expiresAt ?? Infinity) - (a.expiresAt ?? Infinity));
    return live[0]?.grant ?? null;
  }

  /** Why `branch` is refused by `branches`, with what a grant would change. */
  function notListed(branch: string): string {
    let message = `branch "${branch}" matches none of ${JSON.stringify(policy.branches)} ` +
      `(branches in ${where}); push to a branch that does`;
    const expired = grants
      .filter((g) => g.matches.test(branch) && !isLive(g.expiresAt))
      .sort((a, b) => (b.expiresAt ?? 0) - (a.expiresAt ?? 0))[0];
    if (expired !== undefined) {
      message += `; supervise granted "${expired.grant.branch}" (request ` +
        `${expired.grant.request}) until ${expired.grant.expires_at}, which has passed`;
    }
    if (granted.supervise) {
      message += `\nthis bottle has supervise: you may ask a human for this branch with the ` +
        `supervise MCP tool request_git (upstream "${upstream}", branch "${branch}", and your ` +
        `reason)`;
    }
    return message;
  }

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
    const grant = mayPush(branch) ? null : grantFor(branch);
    if (!mayPush(branch) && grant === null) return deny(ref, "branch", notListed(branch));
    if (change === "update" && !facts.fastForward && !mayForce(branch)) {
      return deny(
        ref,
        "force",
        `the update of "${branch}" is not a fast-forward and force-pushing it is not allowed ` +
          `(force in ${where}); fetch, rebase or merge onto the upstream branch, then push again`,
      );
    }
    const done = change === "create" ? "created" : "updated";
    return contentVerdict(ref, facts.commits) ??
      (grant === null ? { ref, allow: true, rule: "push:allowed", message: done } : {
        ref,
        allow: true,
        rule: `grant:request ${grant.request}`,
        message: `${done} (supervise granted "${grant.branch}": request ${grant.request})`,
        grant: grant.request,
      });
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
