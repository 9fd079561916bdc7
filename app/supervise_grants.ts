/**
 * Approving and revoking supervise requests: each is a change to desired state. The grant is
 * layered over the manifests at compile (resources/supervise_grants.ts), planned, and applied
 * at once to the one policy resource it touches (egress policy: hot reload; gate policy: gate
 * reload), through the same engine as `apply`. An approval that would need anything but that
 * in-place update (a restart, a new resource) is refused: the operator runs `apply` instead.
 */
import type { Plan } from "../engine/plan.ts";
import type { Project } from "../manifest/mod.ts";
import {
  decideRequest,
  getGrant,
  insertGrant,
  markGrant,
  type SuperviseGrant,
} from "../sidecars/supervise/queue.ts";
import type { GitAsk, SuperviseRequest } from "../sidecars/supervise/wire.ts";
import { compileManifests } from "./compile.ts";
import { UserError } from "./errors.ts";
import { type ExecuteOptions, executePlan, type Execution } from "./execute.ts";
import { type LockOptions, withWriterLock } from "./locking.ts";
import { makeApplyPlan } from "./planner.ts";
import type { Session } from "./session.ts";
import {
  liveGrants,
  operatorName,
  pendingOrFail,
  requestOrFail,
  settleLapsed,
} from "./supervise_queue.ts";
import { withTargets } from "./targets.ts";
import { checkPlanSecrets } from "./unset_secrets.ts";

export interface GrantChange {
  request: SuperviseRequest;
  grant: SuperviseGrant;
  /** The targeted plan that carried the change out (null: the bottle is not running). */
  execution: Execution | null;
}

export interface ApproveOptions extends LockOptions, ExecuteOptions {
  /** How long the grant lasts, in milliseconds; absent: until revoked. */
  forMs?: number;
  now?: Date;
}

/** The resource a grant of this kind is applied to. */
function policyId(kind: SuperviseGrant["kind"], bottle: string): string {
  return kind === "egress" ? `egress_policy.${bottle}` : `git_gate_policy.${bottle}`;
}

/** Approves a pending egress or git request: records the grant once it is in force. */
export function approveRequest(
  session: Session,
  id: number,
  options: ApproveOptions = {},
): Promise<GrantChange> {
  return withWriterLock(session, "approve", options, async () => {
    const now = options.now ?? new Date();
    const request = pendingOrFail(session, id);
    if (request.kind === "ask") {
      throw new UserError(
        `request ${id} is a question`,
        `answer it: bottle answer ${id} "…"`,
      );
    }
    inProjectOrFail(session, request);
    const { project } = await compileManifests(session);
    const gone = goneReason(session, project, request);
    if (gone !== null) {
      decideRequest(session.store.db, id, {
        state: "withdrawn",
        by: operatorName(),
        response: gone,
      }, now);
      throw new UserError(
        `request ${id} cannot be approved: ${gone}`,
        "it is withdrawn; nothing was granted",
      );
    }
    const expiresAt = options.forMs === undefined
      ? null
      : new Date(now.getTime() + options.forMs).toISOString();
    const provisional: SuperviseGrant = {
      id: 0,
      request_id: request.id,
      project: request.project,
      bottle: request.bottle,
      agent: request.agent,
      kind: request.kind,
      payload: request.payload,
      granted_by: operatorName(),
      granted_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      persisted_at: null,
    };
    const grants = [...liveGrants(session.store.db, session.project, now), provisional];
    const execution = await applyPolicy(session, request.kind, request.bottle, grants, options);
    const grant = session.store.transaction(() => {
      const recorded = insertGrant(
        session.store.db,
        { request, grantedBy: provisional.granted_by, expiresAt },
        now,
      );
      decideRequest(session.store.db, id, {
        state: "approved",
        by: provisional.granted_by,
        response: null,
        grantId: recorded.id,
        expiresAt,
      }, now);
      return recorded;
    });
    return { request: requestOrFail(session, id), grant, execution };
  });
}

/** Revokes a grant: it is marked at once (fail closed), then withdrawn from the policy. */
export function revokeGrant(
  session: Session,
  grantId: number,
  options: LockOptions & ExecuteOptions = {},
): Promise<GrantChange> {
  return withWriterLock(session, "revoke", options, async () => {
    const now = new Date();
    const grant = grantOrFail(session, grantId);
    inProjectOrFail(session, grant);
    if (!markGrant(session.store.db, grantId, "revoked_at", now)) {
      throw new UserError(
        `grant ${grantId} is no longer in force (${grant.revoked_at ? "revoked" : "persisted"})`,
      );
    }
    decideRequest(
      session.store.db,
      grant.request_id,
      {
        state: "withdrawn",
        by: operatorName(),
        response: `grant ${grantId} revoked`,
      },
      now,
      "approved",
    );
    settleLapsed(session.store.db, now);
    const live = liveGrants(session.store.db, session.project, now);
    const execution = session.store.forBottle(grant.bottle).length === 0
      ? null
      : await applyPolicy(session, grant.kind, grant.bottle, live, options);
    return {
      request: requestOrFail(session, grant.request_id),
      grant: grantOrFail(session, grantId),
      execution,
    };
  });
}

/**
 * Plans the project with `grants` layered, restricted to the bottle's policy resource, and
 * applies it when that is an in-place update (or nothing); anything else is refused.
 */
export async function applyPolicy(
  session: Session,
  kind: SuperviseGrant["kind"],
  bottle: string,
  grants: readonly SuperviseGrant[],
  options: ExecuteOptions,
): Promise<Execution> {
  const target = policyId(kind, bottle);
  const plan = withTargets(await makeApplyPlan(session, { grants, within: [target] }), [target]);
  const other = plan.actions.filter((action) =>
    action.kind !== "noop" && action.kind !== "settle" && action.kind !== "update"
  );
  if (other.length > 0) {
    throw new UserError(
      `this grant cannot be applied in place: ${describe(other)}`,
      "run `bottle apply` to bring the bottle up to date first, then approve again",
    );
  }
  checkPlanSecrets(plan, session.ctx.env);
  const execution = await executePlan(session, plan, options);
  if (execution.outcome === "failed") {
    const failed = execution.steps.failed.map((step) => `${step.key}: ${step.error}`).join("; ");
    throw new UserError(
      `applying the grant failed, so nothing was granted: ${failed}`,
      "see `bottle logs`; the previous policy stays in force",
    );
  }
  return execution;
}

const WOULD: Record<string, string> = {
  create: "created",
  replace: "replaced",
  delete: "destroyed",
};

function describe(actions: Plan["actions"]): string {
  return actions.map((action) => `${action.id} would be ${WOULD[action.kind] ?? action.kind}`)
    .join(", ");
}

/** Why the request's bottle or agent cannot be granted anything any more, or null. */
function goneReason(
  session: Session,
  project: Project,
  request: SuperviseRequest,
): string | null {
  const manifest = project.bottles.get(request.bottle);
  if (!manifest) return `bottle ${request.bottle} is no longer in ${session.project}`;
  if (!session.store.forBottle(request.bottle).some((record) => record.type === "sandbox")) {
    return `bottle ${request.bottle} is not applied (destroyed?)`;
  }
  const agent = project.agents.get(request.agent);
  if (!agent || agent.bottle !== request.bottle) {
    return `agent ${request.agent} is no longer an agent of bottle ${request.bottle}`;
  }
  if (!manifest.supervise.enabled) {
    return `bottle ${request.bottle} no longer has supervise enabled`;
  }
  if (request.kind === "git") {
    const upstream = (request.payload as GitAsk).upstream;
    if (!Object.hasOwn(manifest.git, upstream)) {
      return `bottle ${request.bottle} no longer declares the git upstream ${upstream}`;
    }
  }
  return null;
}

export function inProjectOrFail(session: Session, row: { project: string; id: number }): void {
  if (row.project !== session.project) {
    throw new UserError(
      `${row.id} belongs to the project ${row.project}, not ${session.project}`,
      `pass --dir ${row.project}`,
    );
  }
}

export function grantOrFail(session: Session, id: number): SuperviseGrant {
  const grant = getGrant(session.store.db, id);
  if (!grant) {
    throw new UserError(`there is no grant ${id}`, "`bottle grants` lists them");
  }
  return grant;
}
