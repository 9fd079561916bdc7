/**
 * The supervise queue and its grants, two tables in the state database. Both the sidecar
 * (which only inserts pending requests and reads them back) and the operator's commands
 * (which decide them) go through this module, so the SQL lives in one place.
 *
 * Typed against node:sqlite's DatabaseSync, which the engine's guarded database extends.
 */
import type { DatabaseSync } from "node:sqlite";
import { columns, type SqlRow } from "../../lib/sql_row.ts";
import {
  REQUEST_KINDS,
  REQUEST_STATES,
  REQUEST_TTL_HOURS,
  type RequestKind,
  type RequestPayload,
  type RequestState,
  type SuperviseRequest,
} from "./wire.ts";

export const QUEUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS supervise_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, bottle TEXT NOT NULL,
  agent TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, reason TEXT NOT NULL,
  state TEXT NOT NULL, created_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT,
  response TEXT, grant_id INTEGER, expires_at TEXT);
CREATE INDEX IF NOT EXISTS supervise_requests_bottle
  ON supervise_requests (project, bottle, state);
CREATE TABLE IF NOT EXISTS supervise_grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT, request_id INTEGER NOT NULL, project TEXT NOT NULL,
  bottle TEXT NOT NULL, agent TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
  granted_by TEXT NOT NULL, granted_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT,
  persisted_at TEXT);
`;

/** A grant: an approved egress or git request, layered over the manifests at compile. */
export interface SuperviseGrant {
  id: number;
  request_id: number;
  project: string;
  bottle: string;
  agent: string;
  kind: Exclude<RequestKind, "ask">;
  payload: RequestPayload;
  granted_by: string;
  granted_at: string;
  /** null: until revoked. */
  expires_at: string | null;
  revoked_at: string | null;
  /** Set once `bottle grants --persist` wrote it into the manifest (it is then no longer layered). */
  persisted_at: string | null;
}

function toRequest(row: SqlRow): SuperviseRequest {
  const column = columns("supervise_requests", row);
  return {
    id: column.integer("id"),
    project: column.text("project"),
    bottle: column.text("bottle"),
    agent: column.text("agent"),
    kind: column.oneOf("kind", REQUEST_KINDS),
    payload: JSON.parse(column.text("payload")) as RequestPayload,
    reason: column.text("reason"),
    state: column.oneOf("state", REQUEST_STATES),
    created_at: column.text("created_at"),
    decided_by: column.textOrNull("decided_by"),
    decided_at: column.textOrNull("decided_at"),
    response: column.textOrNull("response"),
    grant_id: column.integerOrNull("grant_id"),
    expires_at: column.textOrNull("expires_at"),
  };
}

const GRANT_KINDS = ["egress", "git"] as const;

function toGrant(row: SqlRow): SuperviseGrant {
  const column = columns("supervise_grants", row);
  return {
    id: column.integer("id"),
    request_id: column.integer("request_id"),
    project: column.text("project"),
    bottle: column.text("bottle"),
    agent: column.text("agent"),
    kind: column.oneOf("kind", GRANT_KINDS),
    payload: JSON.parse(column.text("payload")) as RequestPayload,
    granted_by: column.text("granted_by"),
    granted_at: column.text("granted_at"),
    expires_at: column.textOrNull("expires_at"),
    revoked_at: column.textOrNull("revoked_at"),
    persisted_at: column.textOrNull("persisted_at"),
  };
}

/** The response recorded on a pending request nobody decided in time. */
export const LAPSED_RESPONSE = `nobody decided within ${REQUEST_TTL_HOURS} hours`;

/** When a request created before this moment and still pending has lapsed. */
export function lapsedBefore(now: Date): Date {
  return new Date(now.getTime() - REQUEST_TTL_HOURS * 3_600_000);
}

/**
 * The request as time alone has decided it by `now`, without writing anything (the
 * operator's commands record it: app/supervise_queue.ts settleLapsed). The sidecar reads
 * rows through this, so a request nobody decided reads `expired` on time even when no
 * operator command has run since.
 */
export function asOf(request: SuperviseRequest, now: Date): SuperviseRequest {
  if (request.state === "pending" && Date.parse(request.created_at) < lapsedBefore(now).getTime()) {
    return {
      ...request,
      state: "expired",
      decided_by: "time",
      decided_at: now.toISOString(),
      response: LAPSED_RESPONSE,
    };
  }
  if (
    request.state === "approved" && request.expires_at !== null &&
    Date.parse(request.expires_at) <= now.getTime()
  ) {
    return { ...request, state: "expired" };
  }
  return request;
}

export interface NewRequest {
  project: string;
  bottle: string;
  agent: string;
  kind: RequestKind;
  payload: RequestPayload;
  reason: string;
}

export function insertRequest(db: DatabaseSync, request: NewRequest, now: Date): SuperviseRequest {
  const result = db.prepare(
    `INSERT INTO supervise_requests (project, bottle, agent, kind, payload, reason, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
  ).run(
    request.project,
    request.bottle,
    request.agent,
    request.kind,
    JSON.stringify(request.payload),
    request.reason,
    now.toISOString(),
  );
  const created = getRequest(db, Number(result.lastInsertRowid));
  if (!created) throw new Error("the request just inserted cannot be read back");
  return created;
}

export function getRequest(db: DatabaseSync, id: number): SuperviseRequest | undefined {
  const row = db.prepare("SELECT * FROM supervise_requests WHERE id = ?").get(id);
  return row ? toRequest(row) : undefined;
}

export interface RequestFilter {
  project?: string;
  bottle?: string;
  agent?: string;
  /** Only these states (default: all). */
  states?: readonly RequestState[];
}

export function listRequests(db: DatabaseSync, filter: RequestFilter = {}): SuperviseRequest[] {
  const rows = db.prepare("SELECT * FROM supervise_requests ORDER BY id")
    .all();
  return rows.map(toRequest).filter((request) =>
    (filter.project === undefined || request.project === filter.project) &&
    (filter.bottle === undefined || request.bottle === filter.bottle) &&
    (filter.agent === undefined || request.agent === filter.agent) &&
    (filter.states === undefined || filter.states.includes(request.state))
  );
}

/**
 * The newest requests of one bottle (of one agent, in some states), newest first, at most
 * `limit`: the sidecar's cheap query, through the (project, bottle, state) index.
 */
export function recentRequests(
  db: DatabaseSync,
  project: string,
  bottle: string,
  options: { agent?: string; states?: readonly RequestState[]; limit: number },
): SuperviseRequest[] {
  const states = options.states ?? [];
  const rows = db.prepare(
    `SELECT * FROM supervise_requests WHERE project = ? AND bottle = ?
       AND (? IS NULL OR agent = ?)
       ${states.length === 0 ? "" : `AND state IN (${states.map(() => "?").join(", ")})`}
     ORDER BY id DESC LIMIT ?`,
  ).all(
    project,
    bottle,
    options.agent ?? null,
    options.agent ?? null,
    ...states,
    options.limit,
  );
  return rows.map(toRequest);
}

/** Requests of one bottle still pending (not lapsed at `now`), and those made since `since`. */
export function requestCounts(
  db: DatabaseSync,
  project: string,
  bottle: string,
  since: Date,
  now: Date,
): { pending: number; since: number } {
  const row = db.prepare(
    `SELECT SUM(state = 'pending' AND created_at >= ?) AS pending, SUM(created_at >= ?) AS since
     FROM supervise_requests WHERE project = ? AND bottle = ?`,
  ).get(lapsedBefore(now).toISOString(), since.toISOString(), project, bottle) as {
    pending: number | null;
    since: number | null;
  };
  return { pending: Number(row.pending ?? 0), since: Number(row.since ?? 0) };
}

export interface Decision {
  state: Exclude<RequestState, "pending">;
  by: string;
  response: string | null;
  grantId?: number | null;
  expiresAt?: string | null;
}

/** Decides a request still in `from`; false when it is not (decided meanwhile, or gone). */
export function decideRequest(
  db: DatabaseSync,
  id: number,
  decision: Decision,
  now: Date,
  from: RequestState = "pending",
): boolean {
  const result = db.prepare(
    `UPDATE supervise_requests SET state = ?, decided_by = ?, decided_at = ?, response = ?,
       grant_id = COALESCE(?, grant_id), expires_at = COALESCE(?, expires_at)
     WHERE id = ? AND state = ?`,
  ).run(
    decision.state,
    decision.by,
    now.toISOString(),
    decision.response,
    decision.grantId ?? null,
    decision.expiresAt ?? null,
    id,
    from,
  );
  return Number(result.changes) === 1;
}

export interface NewGrant {
  request: SuperviseRequest;
  grantedBy: string;
  expiresAt: string | null;
}

export function insertGrant(db: DatabaseSync, grant: NewGrant, now: Date): SuperviseGrant {
  const { request } = grant;
  if (request.kind === "ask") throw new Error("a question is answered, not granted");
  const result = db.prepare(
    `INSERT INTO supervise_grants (request_id, project, bottle, agent, kind, payload,
       granted_by, granted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    request.id,
    request.project,
    request.bottle,
    request.agent,
    request.kind,
    JSON.stringify(request.payload),
    grant.grantedBy,
    now.toISOString(),
    grant.expiresAt,
  );
  const created = getGrant(db, Number(result.lastInsertRowid));
  if (!created) throw new Error("the grant just inserted cannot be read back");
  return created;
}

export function getGrant(db: DatabaseSync, id: number): SuperviseGrant | undefined {
  const row = db.prepare("SELECT * FROM supervise_grants WHERE id = ?").get(id);
  return row ? toGrant(row) : undefined;
}

export function listGrants(db: DatabaseSync, project?: string): SuperviseGrant[] {
  const rows = db.prepare("SELECT * FROM supervise_grants ORDER BY id")
    .all();
  return rows.map(toGrant).filter((grant) => project === undefined || grant.project === project);
}

/** Live: not revoked, not persisted into a manifest, and not run out at `now`. */
export function isLive(grant: SuperviseGrant, now: Date): boolean {
  return grant.revoked_at === null && grant.persisted_at === null &&
    (grant.expires_at === null || Date.parse(grant.expires_at) > now.getTime());
}

export function markGrant(
  db: DatabaseSync,
  id: number,
  column: "revoked_at" | "persisted_at",
  now: Date,
): boolean {
  const result = db.prepare(
    `UPDATE supervise_grants SET ${column} = ? WHERE id = ? AND revoked_at IS NULL
       AND persisted_at IS NULL`,
  ).run(now.toISOString(), id);
  return Number(result.changes) === 1;
}
