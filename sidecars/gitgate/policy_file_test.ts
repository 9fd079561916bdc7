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
