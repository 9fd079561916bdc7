import assert from "node:assert/strict";
import { type PushedCommit, pushPolicy, type RefFacts, type RefUpdate } from "./push_policy.ts";
import type { GatePushPolicy } from "./wire.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);
const me = { name: "Agent", email: "agent@example.com" };

const base: GatePushPolicy = {
  protected_branches: ["main", "release/*"],
  branches: ["**"],
  force: ["scratch/**"],
  delete: ["feature/*"],
  tags: true,
  protected_paths: [".github/workflows/**", "**/CODEOWNERS"],
  max_push_bytes: 1 << 20,
};

function commit(paths: string[], who = me): PushedCommit {
  return { oid: B, author: who, committer: who, paths };
}

const ff: RefFacts = { fastForward: true, commits: [commit(["src/a.ts"])] };

function check(
  update: RefUpdate,
  facts = ff,
  policy = base,
): { allow: boolean; rule: string; message: string } {
  const { allow, rule, message } = pushPolicy("origin", policy)(update, facts);
  return { allow, rule, message };
}

Deno.test("push policy: fast-forward and create on an ordinary branch are allowed", () => {
  assert.equal(check({ ref: "refs/heads/feature/x", old: A, new: B }).allow, true);
  assert.equal(check({ ref: "refs/heads/feature/x", old: Z, new: B }).message, "created");
});

Deno.test("push policy: protected branches refuse create, update and delete", () => {
  for (const [old, next] of [[Z, B], [A, B], [A, Z]]) {
    const verdict = check({ ref: "refs/heads/release/1", old, new: next });
    assert.equal(verdict.allow, false);
    assert.equal(verdict.rule, "push:protected-branch");
    assert.match(verdict.message, /"release\/1" is protected/);
  }
});

Deno.test("push policy: a branch outside `branches` is refused", () => {
  const verdict = check({ ref: "refs/heads/wip", old: Z, new: B }, ff, {
    ...base,
    branches: ["agent/**"],
  });
  assert.equal(verdict.rule, "push:branch");
  assert.match(verdict.message, /agent\/\*\*/);
});

Deno.test("push policy: non-fast-forward needs `force`", () => {
  const rewound: RefFacts = { ...ff, fastForward: false };
  const refused = check({ ref: "refs/heads/feature/x", old: A, new: B }, rewound);
  assert.equal(refused.rule, "push:force");
  assert.match(refused.message, /not a fast-forward/);
  assert.equal(check({ ref: "refs/heads/scratch/a/b", old: A, new: B }, rewound).allow, true);
});

Deno.test("push policy: deletion needs `delete`", () => {
  assert.equal(check({ ref: "refs/heads/feature/x", old: A, new: Z }).allow, true);
  const refused = check({ ref: "refs/heads/other", old: A, new: Z });
  assert.equal(refused.rule, "push:delete");
});

Deno.test("push policy: tags are create-only, and only when allowed", () => {
  assert.equal(check({ ref: "refs/tags/v1", old: Z, new: B }).allow, true);
  assert.equal(check({ ref: "refs/tags/v1", old: A, new: B }).rule, "push:tag-immutable");
  assert.equal(check({ ref: "refs/tags/v1", old: A, new: Z }).rule, "push:tag-immutable");
  assert.equal(
    check({ ref: "refs/tags/v1", old: Z, new: B }, ff, { ...base, tags: false }).rule,
    "push:tags",
  );
});

Deno.test("push policy: other ref namespaces are refused", () => {
  assert.equal(check({ ref: "refs/notes/commits", old: Z, new: B }).rule, "push:ref-namespace");
});

Deno.test("push policy: a commit touching a protected path is refused, naming it", () => {
  const facts: RefFacts = {
    fastForward: true,
    commits: [commit(["src/a.ts"]), commit(["docs/x/CODEOWNERS"])],
  };
  const verdict = check({ ref: "refs/heads/feature/x", old: A, new: B }, facts);
  assert.equal(verdict.rule, "push:protected-path");
  assert.match(verdict.message, /"docs\/x\/CODEOWNERS"/);
  const workflow = check({ ref: "refs/tags/v2", old: Z, new: B }, {
    fastForward: true,
    commits: [commit([".github/workflows/ci.yml"])],
  });
  assert.equal(workflow.rule, "push:protected-path");
});

Deno.test("push policy: require_identity checks author and committer", () => {
  const policy = { ...base, require_identity: [me] };
  assert.equal(check({ ref: "refs/heads/feature/x", old: A, new: B }, ff, policy).allow, true);
  const stranger = { name: "Eve", email: "eve@example.com" };
  const byAuthor = check({ ref: "refs/heads/feature/x", old: A, new: B }, {
    fastForward: true,
    commits: [{ oid: B, author: stranger, committer: me, paths: [] }],
  }, policy);
  assert.equal(byAuthor.rule, "push:identity");
  assert.match(byAuthor.message, /author "Eve <eve@example.com>"/);
  const byCommitter = check({ ref: "refs/heads/feature/x", old: A, new: B }, {
    fastForward: true,
    commits: [{ oid: B, author: me, committer: { ...me, email: "other@example.com" }, paths: [] }],
  }, policy);
  assert.equal(byCommitter.rule, "push:identity");
  assert.match(byCommitter.message, /committer/);
});
