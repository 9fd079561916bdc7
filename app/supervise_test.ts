/**
 * Supervise from the operator's side, through the application layer: a request approved is a
 * grant layered over the manifests and applied in place (only the policy resource changes),
 * kept by a plain apply, withdrawn when it runs out or is revoked, refused for a bottle that
 * is gone, and written into the manifest by persist. Resources live in memory (testing.ts);
 * the real data plane is tested in sidecars/ and tests/integration/supervise_test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assert_, assertEquals, assertMatch, assertRejects } from "../tests/assert.ts";
import { plan } from "./plan.ts";
import { apply } from "./apply.ts";
import { destroy } from "./destroy.ts";
import { UserError } from "./errors.ts";
import { type TestProject, testProject } from "./testing.ts";
import { approveRequest, revokeGrant } from "./supervise_grants.ts";
import { answerRequest, denyRequest, queueOf } from "./supervise_queue.ts";
import { persistGrant } from "./supervise_persist.ts";
import { insertRequest, listGrants } from "../sidecars/supervise/queue.ts";
import type { Session } from "./session.ts";
import type { RequestKind, RequestPayload } from "../sidecars/supervise/wire.ts";

const SUPERVISED = "---\nsupervise: {enabled: true}\negress:\n  allow: [example.com]\n" +
  "---\nA supervised bottle.\n";
const yes = (): boolean => true;

function supervisedProject(bottles: readonly string[] = ["dev"]): TestProject {
  const project = testProject(bottles);
  project.env.ANTHROPIC_API_KEY = "sk-ant-test";
  mkdirSync(join(project.dir, "agents"));
  for (const bottle of bottles) {
    project.writeBottle(bottle, SUPERVISED);
    writeFileSync(
      join(project.dir, "agents", `${bottle}-coder.md`),
      `---\nprovider: claude\nbottle: ${bottle}\n---\nYou code.\n`,
    );
  }
  return project;
}

function ask(
  session: Session,
  bottle: string,
  kind: RequestKind,
  payload: RequestPayload,
): number {
  return insertRequest(session.store.db, {
    project: session.project,
    bottle,
    agent: `${bottle}-coder`,
    kind,
    payload,
    reason: "the tests need it",
  }, new Date()).id;
}

function policyOf(session: Session, bottle = "dev"): Record<string, unknown> {
  const record = session.store.get(`egress_policy.${bottle}`);
  assert_(record !== undefined, "the policy is recorded");
  return record.inputs.policy as Record<string, unknown>;
}

Deno.test("supervise: approve applies the grant in place, apply keeps it, revoke withdraws it", async () => {
  const project = supervisedProject();
  try {
    const session = project.session();
    await apply(session, { approve: yes });
    assert_(session.store.get("supervise.dev") !== undefined, "the supervise server is a resource");
    assertEquals(policyOf(session).supervise, true);

    const id = ask(session, "dev", "egress", { host: "api.example.org" });
    assertEquals(queueOf(session, false).requests.map((request) => request.id), [id]);
    const change = await approveRequest(session, id);
    const actions = change.execution?.plan.actions.filter((action) => action.kind !== "noop");
    assertEquals(actions?.map((action) => `${action.kind} ${action.id}`), [
      "update egress_policy.dev",
    ]);
    assertMatch(
      actions?.[0].node?.notes?.join() ?? "",
      new RegExp(`^allow api\\.example\\.org \\(granted: request ${id}, until revoked\\)$`),
    );
    assertEquals(policyOf(session).grants, [{ host: "api.example.org", request: id }]);
    assertEquals(change.request.state, "approved");
    assertEquals(change.request.grant_id, change.grant.id);

    const again = await plan(session);
    assertEquals(again.changes, false, "a plain plan keeps the live grant");
    await assertRejects(() => approveRequest(session, id), /already approved/);

    await revokeGrant(session, change.grant.id);
    assertEquals(policyOf(session).grants, undefined, "revoked: withdrawn from the policy");
    assertEquals(queueOf(session, true).requests[0].state, "withdrawn");
    assertEquals((await plan(session)).changes, false);
  } finally {
    project.remove();
  }
});

Deno.test("supervise: a grant that runs out is withdrawn by the next plan", async () => {
  const project = supervisedProject();
  try {
    const session = project.session();
    await apply(session, { approve: yes });
    const id = ask(session, "dev", "egress", { host: "api.example.org", port: 8443 });
    const { grant } = await approveRequest(session, id, { forMs: 150 });
    assert_(grant.expires_at !== null, "an expiry");
    const [layered] = policyOf(session).grants as { expires_at: string }[];
    assertEquals(layered.expires_at, grant.expires_at, "the data plane gets the expiry");
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = await plan(session);
    assertEquals(
      after.plan.actions.filter((action) => action.kind !== "noop").map((action) => action.id),
      ["egress_policy.dev"],
    );
    assertEquals(queueOf(session, true).requests[0].state, "expired");
  } finally {
    project.remove();
  }
});

Deno.test("supervise: deny and answer; a question is not approved, a decided request not twice", async () => {
  const project = supervisedProject();
  try {
    const session = project.session();
    await apply(session, { approve: yes });
    const denied = ask(session, "dev", "egress", { host: "evil.example" });
    const question = ask(session, "dev", "ask", { question: "which branch?" });
    await assertRejects(() => approveRequest(session, question), /is a question/);
    assertEquals(denyRequest(session, denied, "not for this task").response, "not for this task");
    assertEquals(answerRequest(session, question, "main").response, "main");
    await assertRejects(() => approveRequest(session, denied), /already denied/);
    let threw = false;
    try {
      denyRequest(session, question, "x");
    } catch (error) {
      threw = error instanceof UserError;
    }
    assert_(threw, "an answered question cannot be denied");
  } finally {
    project.remove();
  }
});

Deno.test("supervise: approving for a destroyed bottle is refused and withdraws the request", async () => {
  const project = supervisedProject(["dev", "ops"]);
  try {
    const session = project.session();
    await apply(session, { approve: yes });
    const mine = ask(session, "dev", "egress", { host: "a.example.org" });
    const theirs = ask(session, "ops", "egress", { host: "b.example.org" });
    await destroy(session, { approve: yes, bottles: ["ops"] });
    await assertRejects(() => approveRequest(session, theirs), /not applied/);
    assertEquals(
      queueOf(session, true).requests.map((request) => `${request.bottle} ${request.state}`),
      ["dev pending", "ops withdrawn"],
    );
    await approveRequest(session, mine);
    assertEquals(listGrants(session.store.db).map((grant) => grant.bottle), ["dev"]);
    assertEquals(session.store.get("egress_policy.ops"), undefined);
  } finally {
    project.remove();
  }
});

Deno.test("supervise: persist writes the grant into the manifest, comments kept", async () => {
  const project = supervisedProject();
  try {
    const file = join(project.dir, "bottles", "dev.md");
    writeFileSync(file, SUPERVISED.replace("allow: [example.com]", "allow: [example.com] # ours"));
    const session = project.session();
    await apply(session, { approve: yes });
    const id = ask(session, "dev", "egress", { host: "api.example.org" });
    const { grant } = await approveRequest(session, id);
    const persisted = await persistGrant(session, grant.id);
    assertEquals(persisted.change, "egress.allow += api.example.org");
    const text = readFileSync(file, "utf8");
    assertMatch(text, /allow: \[ example\.com, api\.example\.org \] # ours\n/);
    assertMatch(text, /---\nA supervised bottle\.\n$/);
    assertEquals(policyOf(session).grants, undefined, "no longer a grant");
    assert_((policyOf(session).allow as string[]).includes("api.example.org"), "now allowed");
    assertEquals((await plan(session)).changes, false);
  } finally {
    project.remove();
  }
});
