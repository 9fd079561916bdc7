/**
 * The operator's side of the supervise queue that needs no apply: listing requests, denying
 * them, answering questions. Approving and revoking change desired state and live in
 * supervise_grants.ts. Every write here is one statement or one transaction on the state
 * database, which the sidecar shares (it only inserts pending rows).
 */
import { userInfo } from "node:os";
import type { DatabaseSync } from "node:sqlite";
import {
  decideRequest,
  getRequest,
  isLive,
  LAPSED_RESPONSE,
  lapsedBefore,
  listGrants,
  listRequests,
  type SuperviseGrant,
} from "../sidecars/supervise/queue.ts";
import type { RequestState, SuperviseRequest } from "../sidecars/supervise/wire.ts";
import { UserError } from "./errors.ts";
import type { Session } from "./session.ts";

/** Who decides: the operator's login name, as `decided_by` and `granted_by` record it. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return Deno.env.get("USER") ?? `uid ${Deno.uid() ?? "?"}`;
  }
}

/** The project's grants in force at `now` (not revoked, persisted or run out). */
export function liveGrants(db: DatabaseSync, project: string, now: Date): SuperviseGrant[] {
  return listGrants(db, project).filter((grant) => isLive(grant, now));
}

/**
 * Records what time alone decided: a pending request older than REQUEST_TTL_HOURS and an
 * approval whose grant ran out become `expired`.
 */
export function settleLapsed(db: DatabaseSync, now: Date): void {
  db.prepare(
    `UPDATE supervise_requests SET state = 'expired', decided_by = 'time', decided_at = ?,
       response = ?
     WHERE state = 'pending' AND created_at < ?`,
  ).run(now.toISOString(), LAPSED_RESPONSE, lapsedBefore(now).toISOString());
  db.prepare(
    `UPDATE supervise_requests SET state = 'expired'
     WHERE state = 'approved' AND expires_at IS NOT NULL AND expires_at <= ?`,
  ).run(now.toISOString());
}

export interface RequestListing {
  /** All requests with `all`, else the pending ones; oldest first. */
  requests: SuperviseRequest[];
  grants: SuperviseGrant[];
}

/** The queue of every bottle in this state database (pending only, unless `all`). */
export function queueOf(session: Session, all: boolean, now = new Date()): RequestListing {
  const db = session.store.db;
  settleLapsed(db, now);
  const states: RequestState[] | undefined = all ? undefined : ["pending"];
  return {
    requests: listRequests(db, states ? { states } : {}),
    grants: listGrants(db).filter((grant) => all || isLive(grant, now)),
  };
}

/** The request `id`, or an error naming what exists. */
export function requestOrFail(session: Session, id: number): SuperviseRequest {
  const request = getRequest(session.store.db, id);
  if (!request) {
    throw new UserError(
      `there is no supervise request ${id}`,
      "`bottle requests --all` lists every request",
    );
  }
  return request;
}

/** The request `id`, which must still be pending. */
export function pendingOrFail(session: Session, id: number): SuperviseRequest {
  settleLapsed(session.store.db, new Date());
  const request = requestOrFail(session, id);
  if (request.state !== "pending") {
    const by = request.decided_by ? ` by ${request.decided_by}` : "";
    throw new UserError(
      `request ${id} is already ${request.state}${by}`,
      "`bottle requests` lists the pending ones",
    );
  }
  return request;
}

function decideOrFail(
  session: Session,
  request: SuperviseRequest,
  state: "denied" | "approved",
  response: string,
): SuperviseRequest {
  const decided = decideRequest(
    session.store.db,
    request.id,
    { state, by: operatorName(), response },
    new Date(),
  );
  if (!decided) throw new UserError(`request ${request.id} was decided meanwhile`);
  return requestOrFail(session, request.id);
}

/** Denies a pending request; the agent gets `reason` back, as a final answer. */
export function denyRequest(session: Session, id: number, reason: string): SuperviseRequest {
  const text = reason.trim();
  if (text === "") {
    throw new UserError("a denial needs a reason", 'the agent reads it: --reason "…"');
  }
  return decideOrFail(session, pendingOrFail(session, id), "denied", text);
}

/** Answers a pending `ask_human` question; the agent gets `answer` back as text. */
export function answerRequest(session: Session, id: number, answer: string): SuperviseRequest {
  const request = pendingOrFail(session, id);
  if (request.kind !== "ask") {
    throw new UserError(
      `request ${id} asks for ${request.kind}, not a question`,
      `approve it (bottle approve ${id}) or deny it (bottle deny ${id} --reason "…")`,
    );
  }
  if (answer.trim() === "") throw new UserError("the answer is empty");
  return decideOrFail(session, request, "approved", answer);
}
