/**
 * The operator's supervise commands: `requests`, `approve`, `deny`, `answer`, `revoke` and
 * `grants`. The queue spans every project in the state database; approving and revoking run
 * in the request's own project (its manifests are compiled with the grant layered).
 */
import { openSession, type Session } from "../app/session.ts";
import { approveRequest, type GrantChange, revokeGrant } from "../app/supervise_grants.ts";
import { persistGrant } from "../app/supervise_persist.ts";
import { answerRequest, denyRequest, queueOf, requestOrFail } from "../app/supervise_queue.ts";
import { parseDuration } from "../app/duration.ts";
import { UserError } from "../app/errors.ts";
import { getGrant, type SuperviseGrant } from "../sidecars/supervise/queue.ts";
import type { EgressAsk, GitAsk, HumanAsk, SuperviseRequest } from "../sidecars/supervise/wire.ts";
import { egressTarget, shortTime } from "../resources/supervise_grants.ts";
import { callerDir } from "./caller_dir.ts";
import { printTable } from "./render.ts";
import { age } from "./age.ts";

/** What a request asks for, in one line. */
export function requestWhat(request: Pick<SuperviseRequest, "kind" | "payload">): string {
  if (request.kind === "egress") return `egress ${egressTarget(request.payload as EgressAsk)}`;
  if (request.kind === "git") {
    const ask = request.payload as GitAsk;
    return `git push ${ask.upstream} ${ask.branch ?? "(any)"}`;
  }
  return `ask "${oneLine((request.payload as HumanAsk).question, 60)}"`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function parseId(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new UserError(`${what} must be a number, not "${text}"`, "`bottle requests` lists them");
  }
  return Number(text);
}

/** A session on the state database alone (the queue spans every project). */
function stateSession(): Session {
  return openSession({ cwd: callerDir() });
}

/** A session on the project that owns the row. */
function projectSession(project: string): Session {
  return openSession({ dir: project, cwd: callerDir() });
}

export function requestsCommand(options: { all?: boolean; json?: boolean }): number {
  const session = stateSession();
  try {
    const now = new Date();
    const { requests } = queueOf(session, options.all === true, now);
    if (options.json) {
      console.log(JSON.stringify({ requests }, null, 2));
      return 0;
    }
    if (requests.length === 0) {
      console.log(options.all ? "No supervise requests." : "No pending requests.");
      return 0;
    }
    printTable([
      ["ID", "BOTTLE", "AGENT", "ASKS", "REASON", "STATE", "AGE"],
      ...[...requests].reverse().map((request) => [
        String(request.id),
        request.bottle,
        request.agent,
        requestWhat(request),
        oneLine(request.reason, 50),
        request.response && request.state !== "pending"
          ? `${request.state}: ${oneLine(request.response, 30)}`
          : request.state,
        age(request.created_at, now),
      ]),
    ]);
    return 0;
  } finally {
    session.close();
  }
}

function printChange(verb: string, change: GrantChange): void {
  const { request, grant } = change;
  const until = grant.expires_at === null
    ? "until revoked"
    : `until ${shortTime(grant.expires_at)}`;
  console.log(
    `${verb} request ${request.id} (${requestWhat(request)}) for ${request.bottle}/` +
      `${request.agent}: grant ${grant.id}, ${until}.`,
  );
  const plan = change.execution?.plan;
  for (const action of plan?.actions ?? []) {
    if (action.kind !== "update") continue;
    const notes = action.node?.notes?.length ? `  # ${action.node.notes.join("; ")}` : "";
    console.log(`  ~ ${action.id}${notes}`);
  }
  if (plan && !plan.actions.some((action) => action.kind === "update")) {
    console.log("  (the policy already allowed it; nothing to change)");
  }
}

export async function approveCommand(
  idText: string,
  options: { for?: string; lockTimeout?: string },
): Promise<number> {
  const id = parseId(idText, "the request id");
  const forMs = options.for === undefined ? undefined : parseDuration(options.for);
  if (forMs !== undefined && forMs <= 0) throw new UserError("--for must be longer than 0s");
  const lookup = stateSession();
  let project: string;
  try {
    project = requestOrFail(lookup, id).project;
  } finally {
    lookup.close();
  }
  const session = projectSession(project);
  try {
    const change = await approveRequest(session, id, {
      ...(forMs === undefined ? {} : { forMs }),
      lockTimeout: options.lockTimeout,
    });
    printChange("Approved", change);
    return 0;
  } finally {
    session.close();
  }
}

export function denyCommand(idText: string, options: { reason?: string }): number {
  const id = parseId(idText, "the request id");
  if (options.reason === undefined) {
    throw new UserError("a denial needs a reason", `bottle deny ${id} --reason "…"`);
  }
  const session = stateSession();
  try {
    const request = denyRequest(session, id, options.reason);
    console.log(`Denied request ${id} (${requestWhat(request)}); the agent is told why.`);
    return 0;
  } finally {
    session.close();
  }
}

export function answerCommand(idText: string, answer: string): number {
  const id = parseId(idText, "the request id");
  const session = stateSession();
  try {
    answerRequest(session, id, answer);
    console.log(`Answered request ${id}.`);
    return 0;
  } finally {
    session.close();
  }
}

function grantOwner(id: number): string {
  const lookup = stateSession();
  try {
    const grant = getGrant(lookup.store.db, id);
    if (!grant) throw new UserError(`there is no grant ${id}`, "`bottle grants` lists them");
    return grant.project;
  } finally {
    lookup.close();
  }
}

export async function revokeCommand(
  idText: string,
  options: { lockTimeout?: string },
): Promise<number> {
  const id = parseId(idText, "the grant id");
  const session = projectSession(grantOwner(id));
  try {
    const change = await revokeGrant(session, id, { lockTimeout: options.lockTimeout });
    console.log(
      `Revoked grant ${id} (${requestWhat(change.grant)}) of ${change.grant.bottle}` +
        (change.execution ? "; withdrawn from the running bottle." : "."),
    );
    return 0;
  } finally {
    session.close();
  }
}

function grantState(grant: SuperviseGrant, now: Date): string {
  if (grant.revoked_at) return "revoked";
  if (grant.persisted_at) return "persisted";
  if (grant.expires_at !== null && Date.parse(grant.expires_at) <= now.getTime()) {
    return "expired";
  }
  return grant.expires_at === null ? "live" : `live until ${shortTime(grant.expires_at)}`;
}

export async function grantsCommand(
  options: { all?: boolean; json?: boolean; persist?: string; lockTimeout?: string },
): Promise<number> {
  if (options.persist !== undefined) {
    const id = parseId(options.persist, "the grant id");
    const session = projectSession(grantOwner(id));
    try {
      const persisted = await persistGrant(session, id, { lockTimeout: options.lockTimeout });
      console.log(
        `Wrote grant ${id} into ${persisted.file} (${persisted.change}); it is now part of ` +
          "the manifest, no longer a grant. Review and commit the file.",
      );
      return 0;
    } finally {
      session.close();
    }
  }
  const session = stateSession();
  try {
    const now = new Date();
    const { grants } = queueOf(session, options.all === true, now);
    if (options.json) {
      console.log(JSON.stringify({ grants }, null, 2));
      return 0;
    }
    if (grants.length === 0) {
      console.log(options.all ? "No grants." : "No grants in force.");
      return 0;
    }
    printTable([
      ["GRANT", "REQUEST", "BOTTLE", "ALLOWS", "BY", "STATE"],
      ...grants.map((grant) => [
        String(grant.id),
        String(grant.request_id),
        grant.bottle,
        requestWhat(grant),
        grant.granted_by,
        grantState(grant, now),
      ]),
    ]);
    return 0;
  } finally {
    session.close();
  }
}
