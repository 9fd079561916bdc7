/**
 * What a tool call answers, as text for the model (pure). Every answer says what happened
 * and what to do next; a refusal says it is final, so the model does not ask again.
 */

import type { EgressAsk, GitAsk, HumanAsk, SuperviseRequest } from "./wire.ts";

/** One line naming what a request asks for. */
export function describe(request: Pick<SuperviseRequest, "kind" | "payload">): string {
  switch (request.kind) {
    case "egress": {
      const ask = request.payload as EgressAsk;
      const port = ask.port === undefined ? "" : `:${ask.port}`;
      return `egress to ${ask.host}${port}${ask.path_prefix ?? ""}`;
    }
    case "git": {
      const ask = request.payload as GitAsk;
      return `push to ${ask.branch ?? "?"} on ${ask.upstream}`;
    }
    case "ask": {
      const { question } = request.payload as HumanAsk;
      const line = question.replace(/\s+/g, " ");
      return `question: ${line.length > 80 ? `${line.slice(0, 77)}...` : line}`;
    }
  }
}

export const FINAL = "This decision is final: do not ask for it again; carry on without it.";

/** The answer once a request left `pending` (or still is, after the wait). */
export function outcomeText(request: SuperviseRequest, grantInForce = true): string {
  const id = request.id;
  const response = request.response?.trim() ?? "";
  switch (request.state) {
    case "pending":
      return `pending, id ${id}: the operator has been notified; call request_status with ` +
        `id ${id} later to learn the decision. Do not send the same request again.`;
    case "approved": {
      if (request.kind === "ask") {
        return `The operator answered (request ${id}):\n${response || "(an empty answer)"}`;
      }
      const until = request.expires_at === null ? "" : ` until ${request.expires_at}`;
      const note = response === "" ? "" : ` Note from the operator: ${response}`;
      const retry = !grantInForce
        ? " It is being put in force: retry in a minute; if it is still refused then, call " +
          `request_status with id ${id}.`
        : request.kind === "egress"
        ? " Retry the same request now."
        : " Push again now.";
      return `approved (request ${id}): ${describe(request)} is allowed${until}.${retry}${note}`;
    }
    case "denied":
      return `denied (request ${id}) by the operator: ${response || "no reason given"}. ${FINAL}`;
    case "withdrawn":
      return `withdrawn (request ${id}): ${
        response || "the operator withdrew it or revoked its grant"
      }. ${FINAL}`;
    case "expired":
      return request.grant_id !== null
        ? `expired (request ${id}): the grant ran out${
          request.expires_at === null ? "" : ` at ${request.expires_at}`
        }. Ask again only if you still need it, with a new reason.`
        : `expired (request ${id}): nobody decided it in time. Ask again only if you still ` +
          "need it, with a new reason.";
  }
}

/** A refusal decided from the manifest, without a human. */
export function policyRefusal(reason: string): string {
  return `denied by policy: ${reason}. ${FINAL}`;
}

/** One request as request_status lists it. */
export interface StatusEntry {
  id: number;
  agent: string;
  kind: string;
  what: string;
  state: string;
  response: string | null;
  created_at: string;
  expires_at: string | null;
}

export function statusEntry(request: SuperviseRequest): StatusEntry {
  return {
    id: request.id,
    agent: request.agent,
    kind: request.kind,
    what: describe(request),
    state: request.state,
    response: request.response,
    created_at: request.created_at,
    expires_at: request.expires_at,
  };
}
