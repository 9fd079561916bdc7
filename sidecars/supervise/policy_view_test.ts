import assert from "node:assert/strict";
import { egressVerdict, egressView, gateView, gitVerdict } from "./policy_view.ts";

const NOW = new Date("2026-06-01T12:00:00Z");
const LATER = "2026-06-01T13:00:00Z";
const EARLIER = "2026-06-01T11:00:00Z";

const egress = egressView({
  version: 1,
  bottle: "dev",
  allow: ["registry.npmjs.org", "*.githubusercontent.com", "api.example.com:8443"],
  deny: ["evil.example", "*.evil.example", "mixed.example:22"],
  routes: [],
  grants: [
    { host: "docs.example.org", path_prefix: "/api/", request: 7, expires_at: LATER },
    { host: "old.example.org", request: 3, expires_at: EARLIER },
    { host: "port.example.org", port: 443, request: 9 },
  ],
});

Deno.test("policy view: deny rules refuse finally, for every port asked", () => {
  const denied = egressVerdict(egress, { host: "evil.example" }, NOW);
  assert.equal(denied.verdict, "denied");
  assert.match(
    (denied as { reason: string }).reason,
    /egress\.deny rule "evil\.example" in bottles\/dev\.md/,
  );
  assert.equal(egressVerdict(egress, { host: "a.evil.example", port: 443 }, NOW).verdict, "denied");
  // A port-bound deny settles only that port; other ports stay for the human.
  assert.equal(egressVerdict(egress, { host: "mixed.example", port: 22 }, NOW).verdict, "denied");
  assert.equal(egressVerdict(egress, { host: "mixed.example", port: 443 }, NOW).verdict, "open");
  assert.equal(egressVerdict(egress, { host: "mixed.example" }, NOW).verdict, "open");
});

Deno.test("policy view: allow rules and live grants answer 'already allowed'", () => {
  assert.equal(egressVerdict(egress, { host: "registry.npmjs.org" }, NOW).verdict, "allowed");
  assert.equal(
    egressVerdict(egress, { host: "raw.githubusercontent.com", port: 443 }, NOW).verdict,
    "allowed",
  );
  // `*.` matches subdomains only.
  assert.equal(egressVerdict(egress, { host: "githubusercontent.com" }, NOW).verdict, "open");
  // A port-bound allow covers that port only, and not an ask for every port.
  assert.equal(
    egressVerdict(egress, { host: "api.example.com", port: 8443 }, NOW).verdict,
    "allowed",
  );
  assert.equal(egressVerdict(egress, { host: "api.example.com" }, NOW).verdict, "open");
  // A grant covers its path prefix and below, not the whole host; an expired one nothing.
  const docs = egressVerdict(egress, { host: "docs.example.org", path_prefix: "/api/v2" }, NOW);
  assert.equal(docs.verdict, "allowed");
  assert.match((docs as { reason: string }).reason, /until 2026-06-01T13:00:00Z .*request 7/);
  assert.equal(egressVerdict(egress, { host: "docs.example.org" }, NOW).verdict, "open");
  assert.equal(
    egressVerdict(egress, { host: "docs.example.org", path_prefix: "/other" }, NOW).verdict,
    "open",
  );
  assert.equal(egressVerdict(egress, { host: "old.example.org" }, NOW).verdict, "open");
  assert.equal(
    egressVerdict(egress, { host: "port.example.org", port: 443 }, NOW).verdict,
    "allowed",
  );
  assert.equal(egressVerdict(egress, { host: "port.example.org" }, NOW).verdict, "open");
});

Deno.test("policy view: a malformed egress policy is refused as a whole", () => {
  assert.throws(() => egressView({ allow: "x", deny: [] }), /allow must be a list/);
  assert.throws(() => egressView({ allow: ["*"], deny: [] }), /only valid in deny/);
  assert.throws(() => egressView({ allow: [], deny: [], grants: [{ host: 1 }] }), /host/);
  assert.throws(
    () => egressView({ allow: [], deny: [], grants: [{ host: "a", expires_at: "soon" }] }),
    /ISO 8601/,
  );
  assert.throws(() => egressView(null), /must be an object/);
});

const gate = gateView({
  version: 1,
  bottle: "dev",
  upstreams: [{
    name: "repo",
    push: { protected_branches: ["main", "release/**"], branches: ["agent/**"] },
  }, {
    name: "open",
    push: { protected_branches: [], branches: ["**"] },
  }],
  dlp: {},
  fetch_cache_seconds: 0,
  grants: [
    { upstream: "repo", branch: "feature/*", request: 4, expires_at: LATER },
    { upstream: "repo", branch: "old/*", request: 2, expires_at: EARLIER },
  ],
});

Deno.test("policy view: git asks, undeclared upstreams and protected branches", () => {
  const undeclared = gitVerdict(gate, { upstream: "other", branch: "x" }, NOW);
  assert.equal(undeclared.verdict, "denied");
  assert.match(
    (undeclared as { reason: string }).reason,
    /"other" is not an upstream of this bottle \(declared: repo, open\).*ask_human/,
  );
  const star = gitVerdict(gate, { upstream: "repo", branch: "*" }, NOW);
  assert.equal(star.verdict, "denied");
  assert.match((star as { reason: string }).reason, /includes the protected branch "main"/);
  assert.equal(
    gitVerdict(gate, { upstream: "repo", branch: "release/2.0" }, NOW).verdict,
    "denied",
  );
  assert.equal(gitVerdict(gate, { upstream: "repo", branch: "agent/x" }, NOW).verdict, "allowed");
  assert.equal(gitVerdict(gate, { upstream: "repo", branch: "feature/a" }, NOW).verdict, "allowed");
  assert.equal(gitVerdict(gate, { upstream: "repo", branch: "feature/**" }, NOW).verdict, "open");
  assert.equal(gitVerdict(gate, { upstream: "repo", branch: "old/a" }, NOW).verdict, "open");
  assert.equal(gitVerdict(gate, { upstream: "open", branch: "**" }, NOW).verdict, "allowed");
});

Deno.test("policy view: a malformed gate policy is refused as a whole", () => {
  assert.throws(() => gateView({ upstreams: {} }), /upstreams must be a list/);
  assert.throws(() => gateView({ upstreams: [{ name: "a" }] }), /push must be an object/);
  assert.throws(
    () => gateView({ upstreams: [], grants: [{ upstream: "a" }] }),
    /must name an upstream and a branch/,
  );
});
