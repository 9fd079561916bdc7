/**
 * What each tool does, apart from MCP: check the input, answer from the policies when they
 * settle it, apply the bottle's rate limits, queue the request, tell the operator, and wait
 * a while for the decision. The database is only ever written by one INSERT (autocommit);
 * the wait is a poll of that row by id, so no lock is held while a human thinks.
 *
 * Answers: `isError: true` only when the call itself must change (bad input) or be made
 * later (rate limit, queue unavailable): MCP clients show such results as failed calls and
 * models fix and retry them. Refusals, approvals and "pending" are answers, not errors: a
 * model tends to retry a failed call, which is exactly what a final refusal must not invite.
 */

import type { DatabaseSync } from "node:sqlite";
import {
  egressVerdict,
  type EgressView,
  type GateView,
  gitVerdict,
  type Verdict,
} from "./policy_view.ts";
import { outcomeText, policyRefusal, statusEntry } from "./outcome.ts";
import { asOf, getRequest, insertRequest, recentRequests, requestCounts } from "./queue.ts";
import { checkEgressAsk, checkGitAsk, checkHumanAsk, checkReason } from "./validate.ts";
import { pollFor } from "./wait.ts";
import type {
  EgressAsk,
  GitAsk,
  RequestKind,
  RequestPayload,
  SuperviseConfig,
  SuperviseRequest,
} from "./wire.ts";

export interface Answer {
  text: string;
  isError: boolean;
}

/** Everything a tool call needs; main.ts builds it once, tests may build their own. */
export interface Service {
  db: DatabaseSync;
  config(): SuperviseConfig;
  /** The egress policy in force (null: never readable). */
  egress(): EgressView | null;
  /** The gate policy in force (null: no gate, or never readable). */
  gate(): GateView | null;
  /** Tells the operator of a new request; must not block. */
  notify(request: SuperviseRequest): void;
  /** One JSON line in supervise.log. */
  log(entry: Record<string, unknown>): void;
  now(): Date;
  /** How often a waiting call reads its row. */
  pollMs: number;
  /**
   * At most how long an approved call waits for its grant to be in the policy in force
   * (never longer than the config's wait).
   */
  settleMs: number;
  /**
   * At most this many calls wait at once (each holds ~25 KiB of heap, measured); the rest
   * answer "pending" at once.
   */
  maxWaiting: number;
}

/** Calls waiting now, per service. */
const waiting = new WeakMap<Service, number>();

/** How many requests request_status lists. */
export const STATUS_LIMIT = 20;

function answer(text: string, isError = false): Answer {
  return { text, isError };
}

export async function requestEgress(
  service: Service,
  agent: string,
  input: { host: unknown; port?: unknown; path_prefix?: unknown; reason: unknown },
  signal: AbortSignal,
): Promise<Answer> {
  const reason = checkReason(input.reason);
  if (!reason.ok) return answerNow(service, agent, "egress", reason.problem, true);
  const ask = checkEgressAsk(input);
  if (!ask.ok) return answerNow(service, agent, "egress", ask.problem, true);
  const verdict = (): Verdict | null => {
    const view = service.egress();
    return view === null ? null : egressVerdict(view, ask.value, service.now());
  };
  const now = verdict();
  if (now?.verdict === "denied") {
    return answerNow(service, agent, "egress", policyRefusal(now.reason), false);
  }
  if (now?.verdict === "allowed") return answerNow(service, agent, "egress", now.reason, false);
  return await submit(
    service,
    agent,
    "egress",
    ask.value,
    reason.value,
    signal,
    () => verdict()?.verdict === "allowed",
  );
}

export async function requestGit(
  service: Service,
  agent: string,
  input: { upstream: unknown; branch: unknown; reason: unknown },
  signal: AbortSignal,
): Promise<Answer> {
  const reason = checkReason(input.reason);
  if (!reason.ok) return answerNow(service, agent, "git", reason.problem, true);
  const ask = checkGitAsk(input);
  if (!ask.ok) return answerNow(service, agent, "git", ask.problem, true);
  const verdict = (): Verdict | null => {
    const view = service.gate();
    return view === null ? null : gitVerdict(view, ask.value, service.now());
  };
  const now = verdict();
  if (now === null) {
    return answerNow(
      service,
      agent,
      "git",
      "the git gate's policy cannot be read right now; try again in a few minutes",
      true,
    );
  }
  if (now.verdict === "denied") {
    return answerNow(service, agent, "git", policyRefusal(now.reason), false);
  }
  if (now.verdict === "allowed") return answerNow(service, agent, "git", now.reason, false);
  return await submit(
    service,
    agent,
    "git",
    ask.value,
    reason.value,
    signal,
    () => verdict()?.verdict === "allowed",
  );
}

export async function askHuman(
  service: Service,
  agent: string,
  input: { question: unknown; reason: unknown },
  signal: AbortSignal,
): Promise<Answer> {
  const reason = checkReason(input.reason);
  if (!reason.ok) return answerNow(service, agent, "ask", reason.problem, true);
  const ask = checkHumanAsk(input);
  if (!ask.ok) return answerNow(service, agent, "ask", ask.problem, true);
  return await submit(service, agent, "ask", ask.value, reason.value, signal, null);
}

/** One request of this bottle by id, or this agent's latest; never waits. */
export function requestStatus(service: Service, agent: string, id: unknown): Answer {
  const config = service.config();
  const now = service.now();
  if (id !== undefined && id !== null) {
    const row = typeof id === "number" && Number.isSafeInteger(id) && id > 0
      ? getRequest(service.db, id)
      : undefined;
    const request = row && asOf(row, now);
    if (
      request === undefined || request.project !== config.project ||
      request.bottle !== config.bottle
    ) {
      return answer(
        `there is no request ${JSON.stringify(id)} in this bottle; call request_status ` +
          "without an id to list yours",
        true,
      );
    }
    return answer(`${statusText(service, request)}\n${JSON.stringify(statusEntry(request))}`);
  }
  const requests = recentRequests(service.db, config.project, config.bottle, {
    agent,
    limit: STATUS_LIMIT,
  }).map((request) => asOf(request, now));
  if (requests.length === 0) return answer("You have made no requests in this bottle.");
  return answer(
    `Your latest ${requests.length} requests, newest first (one JSON object a line):\n` +
      requests.map((request) => JSON.stringify(statusEntry(request))).join("\n"),
  );
}

function statusText(service: Service, request: SuperviseRequest): string {
  if (request.state !== "approved" || request.kind === "ask") return outcomeText(request);
  return outcomeText(request, coveredNow(service, request));
}

/** Whether an approved egress or git request is covered by the policy in force now. */
function coveredNow(service: Service, request: SuperviseRequest): boolean {
  const now = service.now();
  if (request.kind === "egress") {
    const view = service.egress();
    return view !== null &&
      egressVerdict(view, request.payload as EgressAsk, now).verdict === "allowed";
  }
  const view = service.gate();
  return view !== null && gitVerdict(view, request.payload as GitAsk, now).verdict === "allowed";
}

/** An answer given without queueing anything (bad input, a limit, a policy's answer), logged. */
function answerNow(
  service: Service,
  agent: string,
  kind: RequestKind,
  text: string,
  isError: boolean,
): Answer {
  service.log({ event: isError ? "refused" : "answered", agent, kind, detail: text });
  return answer(text, isError);
}

/**
 * Queues the request (or joins the same one already pending), then waits for its decision.
 * `inForce`, for grants: whether the policy in force covers it yet.
 */
async function submit(
  service: Service,
  agent: string,
  kind: RequestKind,
  payload: RequestPayload,
  reason: string,
  signal: AbortSignal,
  inForce: (() => boolean) | null,
): Promise<Answer> {
  const config = service.config();
  const { db } = service;
  let request: SuperviseRequest;
  try {
    const same = recentRequests(db, config.project, config.bottle, {
      states: ["pending"],
      limit: 1000,
    }).find((pending) =>
      asOf(pending, service.now()).state === "pending" && pending.kind === kind &&
      JSON.stringify(pending.payload) === JSON.stringify(payload)
    );
    if (same !== undefined) {
      request = same;
      service.log({ event: "joined", agent, kind, id: same.id });
    } else {
      const now = service.now();
      const counts = requestCounts(
        db,
        config.project,
        config.bottle,
        new Date(now.getTime() - 3600_000),
        now,
      );
      if (counts.pending >= config.max_pending) {
        return answerNow(
          service,
          agent,
          kind,
          `not queued: this bottle already has ${counts.pending} requests waiting for the ` +
            `operator (the most is ${config.max_pending}). Wait for them to be decided ` +
            "(call request_status to see them) before asking for more.",
          true,
        );
      }
      if (counts.since >= config.per_hour) {
        return answerNow(
          service,
          agent,
          kind,
          `not queued: this bottle made ${counts.since} requests in the last hour (the most ` +
            `is ${config.per_hour}). Wait before asking again; call request_status to see ` +
            "those already made.",
          true,
        );
      }
      request = insertRequest(db, {
        project: config.project,
        bottle: config.bottle,
        agent,
        kind,
        payload,
        reason,
      }, now);
      service.log({ event: "request", agent, kind, id: request.id, payload, reason });
      service.notify(request);
    }
  } catch (error) {
    service.log({ event: "error", agent, kind, detail: (error as Error).message });
    return answer(
      "the request queue is not available right now; try again in a minute",
      true,
    );
  }
  const id = request.id;
  const busy = waiting.get(service) ?? 0;
  const wait = busy < service.maxWaiting ? config.wait_seconds * 1000 : 0;
  waiting.set(service, busy + 1);
  let decided: SuperviseRequest;
  let inForceNow = true;
  try {
    const current = (): SuperviseRequest | undefined => {
      const row = getRequest(db, id);
      return row && asOf(row, service.now());
    };
    decided = await pollFor(
      () => {
        const seen = current();
        return seen === undefined || seen.state !== "pending" ? seen : undefined;
      },
      wait,
      service.pollMs,
      signal,
    ) ?? current() ?? request;
    if (decided.state === "approved" && inForce !== null) {
      inForceNow = await pollFor(
        () => inForce() ? true : undefined,
        Math.min(service.settleMs, wait),
        service.pollMs,
        signal,
      ) ?? false;
    }
  } finally {
    waiting.set(service, (waiting.get(service) ?? 1) - 1);
  }
  service.log({ event: "answer", agent, kind, id, state: decided.state });
  return answer(outcomeText(decided, inForceNow));
}
