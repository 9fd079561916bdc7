import assert from "node:assert/strict";
import { parsePolicy } from "./policy_file.ts";

function valid(): Record<string, unknown> {
  return {
    version: 1,
    bottle: "dev",
    fetch_cache_seconds: 5,
    dlp: { rules: { "aws-access-key-id": { action: "warn", exempt_hosts: ["example.com"] } } },
    upstreams: [{
      name: "repo",
      remote: "git@github.com:org/repo.git",
      host: "github.com",
      mirror: "/g/mirrors/repo.git",
      credential: { kind: "ssh-key", key_file: "/g/c/repo.key", known_hosts_file: "/g/c/kh" },
      push: {
        protected_branches: ["main"],
        force: [],
        delete: [],
        tags: false,
        protected_paths: [],
        max_push_bytes: 1000,
      },
    }],
  };
}

Deno.test("policy file: a valid policy parses, branches default to **", () => {
  const policy = parsePolicy(valid());
  assert.deepEqual(policy.upstreams[0].push.branches, ["**"]);
  assert.equal(policy.dlp.rules?.["aws-access-key-id"]?.action, "warn");
});

Deno.test("policy file: bad shapes are refused, saying where", () => {
  const cases: [(p: Record<string, unknown>) => void, RegExp][] = [
    [(p) => (p.version = 2), /version/],
    [(p) => ((p.upstreams as Record<string, unknown>[])[0].name = "../x"), /not a valid upstream/],
    [(p) => ((p.upstreams as Record<string, unknown>[])[0].mirror = "rel"), /absolute/],
    [(p) => ((p.upstreams as Record<string, unknown>[])[0].credential = { kind: "pw" }), /kind/],
    [
      (p) => (p.upstreams = [...(p.upstreams as unknown[]), ...(p.upstreams as unknown[])]),
      /twice/,
    ],
    [(p) => (p.fetch_cache_seconds = -1), /fetch_cache_seconds/],
  ];
  for (const [spoil, pattern] of cases) {
    const p = valid();
    spoil(p);
    assert.throws(() => parsePolicy(p), pattern);
  }
});

Deno.test("policy file: grants and supervise", () => {
  const p = valid();
  p.supervise = true;
  p.grants = [
    { upstream: "repo", branch: "wip/*", request: 3 },
    { upstream: "repo", branch: "fix/**", expires_at: "2026-12-06T12:00:00Z", request: 4 },
  ];
  const policy = parsePolicy(p);
  assert.equal(policy.supervise, true);
  assert.deepEqual(policy.grants, p.grants);
  assert.deepEqual(parsePolicy(valid()).grants, []);
  assert.equal(parsePolicy(valid()).supervise, false);
  const cases: [unknown, RegExp][] = [
    [
      { upstream: "nope", branch: "wip/*", request: 1 },
      /grants\[0\]\.upstream "nope" is not a declared upstream/,
    ],
    [{ upstream: "repo", branch: "refs/heads/x", request: 1 }, /without refs\/heads/],
    [{ upstream: "repo", branch: "a..b", request: 1 }, /not a branch pattern/],
    [{ upstream: "repo", branch: "a b", request: 1 }, /not a branch pattern/],
    [{ upstream: "repo", branch: "/a", request: 1 }, /not a branch pattern/],
    [{ upstream: "repo", branch: "", request: 1 }, /branch must be a non-empty string/],
    [{ upstream: "repo", branch: "x", expires_at: "soon", request: 1 }, /expires_at/],
    [{ upstream: "repo", branch: "x", request: 0 }, /request must be a positive integer/],
    [{ upstream: "repo", branch: "x" }, /request/],
  ];
  for (const [grant, pattern] of cases) {
    const bad = valid();
    bad.grants = [grant];
    assert.throws(() => parsePolicy(bad), pattern, JSON.stringify(grant));
  }
  const notList = valid();
  notList.grants = {};
  assert.throws(() => parsePolicy(notList), /grants must be a list/);
  const badFlag = valid();
  badFlag.supervise = "yes";
  assert.throws(() => parsePolicy(badFlag), /supervise must be true or false/);
});
