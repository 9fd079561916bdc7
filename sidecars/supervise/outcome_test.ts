import assert from "node:assert/strict";
import { describe, outcomeText, policyRefusal, statusEntry } from "./outcome.ts";
import type { SuperviseRequest } from "./wire.ts";

function request(overrides: Partial<SuperviseRequest>): SuperviseRequest {
  return {
    id: 5,
    project: "/p",
    bottle: "dev",
    agent: "reviewer",
    kind: "egress",
    payload: { host: "api.example.com", port: 443, path_prefix: "/v1/" },
    reason: "r",
    state: "pending",
    created_at: "2026-06-01T12:00:00.000Z",
    decided_by: null,
    decided_at: null,
    response: null,
    grant_id: null,
    expires_at: null,
    ...overrides,
  };
}

Deno.test("outcome: what a request asks for, in one line", () => {
  assert.equal(describe(request({})), "egress to api.example.com:443/v1/");
  assert.equal(
    describe(request({ kind: "git", payload: { upstream: "repo", branch: "feature/*" } })),
    "push to feature/* on repo",
  );
  assert.equal(
    describe(request({ kind: "ask", payload: { question: `a\n${"b".repeat(100)}` } })),
    `question: a ${"b".repeat(75)}...`,
  );
});

Deno.test("outcome: each state tells the model what to do next", () => {
  assert.equal(
    outcomeText(request({})),
    "pending, id 5: the operator has been notified; call request_status with id 5 later to " +
      "learn the decision. Do not send the same request again.",
  );
  const approved = request({ state: "approved", expires_at: "2026-06-01T13:00:00Z" });
  assert.equal(
    outcomeText(approved),
    "approved (request 5): egress to api.example.com:443/v1/ is allowed until " +
      "2026-06-01T13:00:00Z. Retry the same request now.",
  );
  assert.match(outcomeText(approved, false), /being put in force: retry in a minute/);
  assert.match(
    outcomeText(request({
      state: "approved",
      kind: "git",
      payload: { upstream: "r", branch: "b" },
      response: "ok for today",
    })),
    /is allowed\. Push again now\. Note from the operator: ok for today$/,
  );
  assert.equal(
    outcomeText(request({ state: "approved", kind: "ask", response: "yes" })),
    "The operator answered (request 5):\nyes",
  );
  assert.match(
    outcomeText(request({ state: "denied", response: "no" })),
    /^denied \(request 5\) by the operator: no\. This decision is final/,
  );
  assert.match(outcomeText(request({ state: "denied" })), /no reason given/);
  assert.match(outcomeText(request({ state: "withdrawn" })), /withdrew it or revoked/);
  assert.match(
    outcomeText(request({ state: "expired", grant_id: 3, expires_at: "2026-06-01T13:00:00Z" })),
    /the grant ran out at 2026-06-01T13:00:00Z/,
  );
  assert.match(outcomeText(request({ state: "expired" })), /nobody decided it in time/);
  assert.match(policyRefusal("because"), /^denied by policy: because\. This decision is final/);
});

Deno.test("outcome: a status entry", () => {
  assert.deepEqual(statusEntry(request({ state: "denied", response: "no" })), {
    id: 5,
    agent: "reviewer",
    kind: "egress",
    what: "egress to api.example.com:443/v1/",
    state: "denied",
    response: "no",
    created_at: "2026-06-01T12:00:00.000Z",
    expires_at: null,
  });
});
