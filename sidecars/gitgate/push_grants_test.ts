import assert from "node:assert/strict";
import {
  type PushGrants,
  pushPolicy,
  type RefFacts,
  type RefUpdate,
  type Verdict,
} from "./push_policy.ts";
import type { GateGrant, GatePushPolicy } from "./wire.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);
const me = { name: "Agent", email: "agent@example.com" };
const NOW = Date.parse("2026-12-06T12:00:00Z");

/** Only `agent/**` may be pushed without a grant. */
const base: GatePushPolicy = {
  protected_branches: ["main", "release/*"],
  branches: ["agent/**"],
  force: [],
  delete: ["agent/**"],
  tags: false,
  protected_paths: [".github/workflows/**"],
  max_push_bytes: 1 << 20,
  require_identity: [me],
};

const ff: RefFacts = {
  fastForward: true,
  commits: [{ oid: B, author: me, committer: me, paths: ["src/a.ts"] }],
};

function check(
  update: RefUpdate,
  grants: GateGrant[],
  options: { facts?: RefFacts; now?: number; supervise?: boolean; upstream?: string } = {},
): Verdict {
  const granted: PushGrants = {
    grants,
    now: options.now ?? NOW,
    supervise: options.supervise ?? false,
  };
  return pushPolicy(options.upstream ?? "repo", base, granted)(update, options.facts ?? ff);
}

const wip: GateGrant = { upstream: "repo", branch: "wip/*", request: 3 };

Deno.test("push grants: a live grant allows its branches as if listed, and names the request", () => {
  const update = { ref: "refs/heads/wip/x", old: A, new: B };
  assert.equal(check(update, []).rule, "push:branch");
  const verdict = check(update, [wip]);
  assert.equal(verdict.allow, true);
  assert.equal(verdict.rule, "grant:request 3");
  assert.equal(verdict.grant, 3);
  assert.match(verdict.message, /updated \(supervise granted "wip\/\*": request 3\)/);
  assert.equal(check({ ref: "refs/heads/wip/y", old: Z, new: B }, [wip]).allow, true);
  // The glob as `branches` reads it: `*` stays within one segment.
  assert.equal(check({ ref: "refs/heads/wip/x/y", old: A, new: B }, [wip]).rule, "push:branch");
  // A branch `branches` lists needs no grant and is not credited to one.
  const listed = check({ ref: "refs/heads/agent/x", old: A, new: B }, [
    { upstream: "repo", branch: "**", request: 4 },
  ]);
  assert.equal(listed.rule, "push:allowed");
  assert.equal(listed.grant, undefined);
});

Deno.test("push grants: protected branches, force, delete, paths and identity still win", () => {
  const all: GateGrant[] = [{ upstream: "repo", branch: "**", request: 5 }];
  const protectedMain = check({ ref: "refs/heads/main", old: A, new: B }, all, { supervise: true });
  assert.equal(protectedMain.rule, "push:protected-branch");
  assert.doesNotMatch(protectedMain.message, /request_git/);
  assert.equal(check({ ref: "refs/heads/release/1", old: Z, new: B }, all).allow, false);
  const rewound = { ...ff, fastForward: false };
  assert.equal(
    check({ ref: "refs/heads/wip/x", old: A, new: B }, all, { facts: rewound }).rule,
    "push:force",
  );
  assert.equal(check({ ref: "refs/heads/wip/x", old: A, new: Z }, all).rule, "push:delete");
  const workflow: RefFacts = {
    fastForward: true,
    commits: [{ oid: B, author: me, committer: me, paths: [".github/workflows/ci.yml"] }],
  };
  assert.equal(
    check({ ref: "refs/heads/wip/x", old: A, new: B }, all, { facts: workflow }).rule,
    "push:protected-path",
  );
  const stranger = { name: "Eve", email: "eve@example.com" };
  const forged: RefFacts = {
    fastForward: true,
    commits: [{ oid: B, author: stranger, committer: me, paths: [] }],
  };
  assert.equal(
    check({ ref: "refs/heads/wip/x", old: A, new: B }, all, { facts: forged }).rule,
    "push:identity",
  );
  assert.equal(check({ ref: "refs/tags/v1", old: Z, new: B }, all).rule, "push:tags");
});

Deno.test("push grants: an expired grant is refused, saying when it ran out", () => {
  const until = "2026-12-06T11:59:59Z";
  const expired: GateGrant = { ...wip, expires_at: until };
  const update = { ref: "refs/heads/wip/x", old: A, new: B };
  const verdict = check(update, [expired]);
  assert.equal(verdict.allow, false);
  assert.equal(verdict.rule, "push:branch");
  assert.match(
    verdict.message,
    /supervise granted "wip\/\*" \(request 3\) until 2026-12-06T11:59:59Z, which has passed/,
  );
  // Live while expires_at > now.
  assert.equal(check(update, [expired], { now: Date.parse(until) - 1 }).allow, true);
  assert.equal(check(update, [expired], { now: Date.parse(until) }).allow, false);
  // A live grant beside an expired one still allows.
  assert.equal(check(update, [expired, { ...wip, request: 6 }]).grant, 6);
});

Deno.test("push grants: another upstream's grant does not apply", () => {
  const other: GateGrant = { ...wip, upstream: "other" };
  const update = { ref: "refs/heads/wip/x", old: A, new: B };
  assert.equal(check(update, [other]).rule, "push:branch");
  assert.equal(check(update, [other], { upstream: "other" }).allow, true);
});

Deno.test("push grants: with supervise, a branch refusal says how to ask", () => {
  const verdict = check({ ref: "refs/heads/wip/x", old: A, new: B }, [], { supervise: true });
  const [first, hint, ...rest] = verdict.message.split("\n");
  assert.match(first, /matches none of \["agent\/\*\*"\]/);
  assert.match(hint, /request_git \(upstream "repo", branch "wip\/x", and your reason\)/);
  assert.deepEqual(rest, []);
  const without = check({ ref: "refs/heads/wip/x", old: A, new: B }, []);
  assert.doesNotMatch(without.message, /request_git|\n/);
});
