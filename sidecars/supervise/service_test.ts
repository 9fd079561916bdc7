import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { egressView } from "./policy_view.ts";
import { decideRequest, QUEUE_SCHEMA, recentRequests } from "./queue.ts";
import { askHuman, requestEgress, requestGit, requestStatus, type Service } from "./service.ts";
import { REQUEST_TTL_HOURS, type SuperviseConfig, type SuperviseRequest } from "./wire.ts";

const CONFIG: SuperviseConfig = {
  version: 1,
  bottle: "dev",
  project: "/p",
  state_db: ":memory:",
  egress_policy_file: "/b/policy.json",
  agents: ["a", "b"],
  kinds: ["egress", "git", "ask"],
  wait_seconds: 0.3,
  max_pending: 3,
  per_hour: 5,
  notify: null,
  log_dir: "/b/log",
};

function service(overrides: Partial<Service> = {}): Service & { notified: SuperviseRequest[] } {
  const db = new DatabaseSync(":memory:");
  db.exec(QUEUE_SCHEMA);
  const notified: SuperviseRequest[] = [];
  return {
    db,
    config: () => CONFIG,
    egress: () =>
      egressView({ bottle: "dev", allow: ["ok.example"], deny: ["no.example"], grants: [] }),
    gate: () => null,
    notify: (request) => notified.push(request),
    log: () => {},
    now: () => new Date(),
    pollMs: 10,
    settleMs: 100,
    maxWaiting: 10,
    notified,
    ...overrides,
  };
}

const never = new AbortController().signal;

Deno.test("service: a pending request is queued once, notified once, joined by its twin", async () => {
  const s = service();
  const ask = { host: "api.example.com", reason: "build" };
  const [first, second] = await Promise.all([
    requestEgress(s, "a", ask, never),
    requestEgress(s, "b", { ...ask, reason: "also" }, never),
  ]);
  assert.match(first.text, /^pending, id 1:/);
  assert.match(second.text, /^pending, id 1:/);
  assert.equal(s.notified.length, 1);
  const [row] = recentRequests(s.db, "/p", "dev", { limit: 10 });
  assert.deepEqual(
    { agent: row.agent, reason: row.reason, payload: row.payload },
    { agent: "a", reason: "build", payload: { host: "api.example.com" } },
  );
});

Deno.test("service: limits per bottle, pending first, then per hour", async () => {
  const s = service({ config: () => ({ ...CONFIG, wait_seconds: 0 }) });
  for (const host of ["a.example", "b.example", "c.example"]) {
    assert.match((await requestEgress(s, "a", { host, reason: "r" }, never)).text, /^pending/);
  }
  const full = await requestEgress(s, "b", { host: "d.example", reason: "r" }, never);
  assert.deepEqual(full.isError, true);
  assert.match(full.text, /already has 3 requests waiting for the operator \(the most is 3\)/);
  for (const id of [1, 2, 3]) {
    decideRequest(s.db, id, { state: "denied", by: "op", response: "no" }, new Date());
  }
  await askHuman(s, "a", { question: "q1", reason: "r" }, never);
  await askHuman(s, "a", { question: "q2", reason: "r" }, never);
  const hourly = await askHuman(s, "a", { question: "q3", reason: "r" }, never);
  assert.match(hourly.text, /made 5 requests in the last hour \(the most is 5\)/);
});

Deno.test("service: policy answers, invalid input and a bottle without a gate queue nothing", async () => {
  const s = service();
  const denied = await requestEgress(s, "a", { host: "no.example", reason: "r" }, never);
  assert.equal(denied.isError, false);
  assert.match(denied.text, /^denied by policy/);
  assert.match(
    (await requestEgress(s, "a", { host: "ok.example", reason: "r" }, never)).text,
    /already allowed/,
  );
  const invalid = await requestEgress(s, "a", { host: "10.1.2.3", reason: "r" }, never);
  assert.equal(invalid.isError, true);
  const git = await requestGit(s, "a", { upstream: "repo", branch: "x", reason: "r" }, never);
  assert.equal(git.isError, true);
  assert.match(git.text, /cannot be read/);
  assert.equal(recentRequests(s.db, "/p", "dev", { limit: 10 }).length, 0);
  assert.equal(s.notified.length, 0);
});

Deno.test("service: past maxWaiting, calls answer pending at once", async () => {
  const s = service({ maxWaiting: 1, config: () => ({ ...CONFIG, wait_seconds: 5 }) });
  const controller = new AbortController();
  const first = requestEgress(s, "a", { host: "one.example", reason: "r" }, controller.signal);
  const started = performance.now();
  const second = await requestEgress(s, "a", { host: "two.example", reason: "r" }, never);
  assert.match(second.text, /^pending, id 2:/);
  assert.ok(performance.now() - started < 1000, "the second did not wait");
  controller.abort();
  assert.match((await first).text, /^pending, id 1:/);
});

Deno.test("service: an approval waits for the grant to be in force, within the wait", async () => {
  let grants: { host: string; request: number }[] = [];
  const s = service({
    config: () => ({ ...CONFIG, wait_seconds: 2 }),
    settleMs: 1000,
    egress: () => egressView({ bottle: "dev", allow: [], deny: [], grants }),
  });
  const call = requestEgress(s, "a", { host: "api.example.com", reason: "r" }, never);
  await new Promise((resolve) => setTimeout(resolve, 50));
  decideRequest(s.db, 1, { state: "approved", by: "op", response: null }, new Date());
  setTimeout(() => grants = [{ host: "api.example.com", request: 1 }], 150);
  const answer = await call;
  assert.match(answer.text, /^approved \(request 1\).*Retry the same request now\.$/);
  const status = requestStatus(s, "a", 1);
  assert.match(status.text, /^approved/);
  assert.equal(requestStatus(s, "b", undefined).text, "You have made no requests in this bottle.");
  assert.match(requestStatus(s, "a", undefined).text, /^Your latest 1 requests/);
  assert.equal(requestStatus(s, "a", "1").isError, true);
});

Deno.test("service: a request nobody decided in time reads expired without an operator command", async () => {
  let now = new Date("2026-12-06T10:00:00Z");
  const s = service({
    now: () => now,
    config: () => ({ ...CONFIG, max_pending: 1, wait_seconds: 0 }),
  });
  const ask = { host: "api.example.com", reason: "build" };
  assert.match((await requestEgress(s, "a", ask, never)).text, /^pending, id 1:/);
  now = new Date(now.getTime() + (REQUEST_TTL_HOURS * 3600 + 1) * 1000);
  const status = requestStatus(s, "a", 1);
  assert.match(status.text, /^expired \(request 1\)/);
  assert.match(status.text, /nobody decided within 24 hours/);
  assert.match(requestStatus(s, "a", undefined).text, /"state":"expired"/);
  // The lapsed request neither counts against max_pending nor is joined: this is a new one.
  assert.match((await requestEgress(s, "a", ask, never)).text, /^pending, id 2:/);
  assert.equal(s.notified.length, 2);
  // Nothing was written: the row stays pending until an operator command settles it.
  assert.equal(recentRequests(s.db, "/p", "dev", { limit: 10 })[1].state, "pending");
});
