/**
 * The MCP face: the tools an agent sees, with descriptions written for the model that reads
 * them, registered on a fresh McpServer per HTTP request (the server is stateless). Only the
 * kinds the bottle allows are offered; `request_git` only when the bottle has a gate.
 * The schemas are built once; registering them is cheap.
 */

import { type CallToolResult, type McpServer, z } from "./sdk.ts";
import {
  type Answer,
  askHuman,
  requestEgress,
  requestGit,
  requestStatus,
  type Service,
} from "./service.ts";
import { LIMITS } from "./validate.ts";

export const SERVER_INSTRUCTIONS =
  "bot-bottle supervise. This sandbox reaches the network and git only as far as its " +
  "operator (a human) allowed. When something you need is blocked, ask for it here " +
  "(request_egress, request_git) or ask the operator (ask_human), with an honest, specific " +
  "reason: the operator reads it before deciding. A denial is final; do not ask again.";

const OUTCOMES = "The call waits a little for the decision. " +
  "'approved': retry what was blocked now. " +
  "'denied' is final: do not ask for the same thing again; carry on without it. " +
  "'pending, id N': nobody has decided yet; carry on with other work and call " +
  "request_status with id N later. Never send the same request twice.";

const reason = z.string().min(1).max(LIMITS.reason).describe(
  "Why you need this, specifically (what task, what fails without it). The operator reads it.",
);

const egressShape = {
  host: z.string().min(1).max(LIMITS.host).describe(
    "One exact host name, e.g. api.example.com: no wildcard, IP address, URL or port.",
  ),
  port: z.number().int().min(1).max(65535).optional().describe(
    "Only this port, e.g. 443. Leave out for any port.",
  ),
  path_prefix: z.string().min(1).max(LIMITS.path_prefix).optional().describe(
    "Only URL paths starting with this, e.g. /v1/. Leave out for the whole host.",
  ),
  reason,
};

const gitShape = {
  upstream: z.string().min(1).max(LIMITS.upstream).describe(
    "The name of an upstream this bottle declares: NAME in http://127.0.0.1:3129/NAME.git.",
  ),
  branch: z.string().min(1).max(LIMITS.branch).describe(
    "The branch or branch glob to push to, without refs/heads/: feature/login, feature/* " +
      "(* stays within one /-separated part, ** spans parts).",
  ),
  reason,
};

const askShape = {
  question: z.string().min(1).max(LIMITS.question).describe(
    "The question, complete on its own: the operator may read it hours later.",
  ),
  reason,
};

const statusShape = {
  id: z.number().int().min(1).optional().describe(
    "A request's id (from a 'pending, id N' answer). Leave out to list your latest requests.",
  ),
};

const egressInput = z.object(egressShape);
const gitInput = z.object(gitShape);
const askInput = z.object(askShape);
const statusInput = z.object(statusShape);

/** What a tool handler gets besides its input (the part used here). */
interface Extra {
  signal: AbortSignal;
}

function result(answer: Answer): CallToolResult {
  return { content: [{ type: "text", text: answer.text }], isError: answer.isError };
}

/** Registers this bottle's tools for `agent`; `signal` aborts when the HTTP client goes away. */
export function registerTools(
  server: McpServer,
  service: Service,
  agent: string,
  signal: AbortSignal,
): void {
  const config = service.config();
  const waitFor = (extra: Extra): AbortSignal => AbortSignal.any([signal, extra.signal]);
  if (config.kinds.includes("egress")) {
    server.registerTool(
      "request_egress",
      {
        title: "Ask for network access to a host",
        description: "Ask the operator (a human) to let this sandbox reach one more host. Use " +
          "it when the proxy blocked a request you need for your task (HTTP 403 saying the " +
          "host is not in the allowlist). Ask for one exact host; narrow it with port and " +
          `path_prefix when you can. ${OUTCOMES}`,
        inputSchema: egressInput,
        annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
      },
      async (input: z.infer<typeof egressInput>, extra: Extra) =>
        result(await requestEgress(service, agent, input, waitFor(extra))),
    );
  }
  if (config.kinds.includes("git") && config.gate_policy_file !== undefined) {
    server.registerTool(
      "request_git",
      {
        title: "Ask to push to more branches",
        description: "Ask the operator (a human) to let you push to branches matching a glob " +
          "on one of this bottle's git upstreams. Use it when the git gate refused your push " +
          "because the branch is not allowed. Protected branches are never granted, and an " +
          "upstream the bottle does not declare cannot be added this way (use ask_human). " +
          OUTCOMES,
        inputSchema: gitInput,
        annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
      },
      async (input: z.infer<typeof gitInput>, extra: Extra) =>
        result(await requestGit(service, agent, input, waitFor(extra))),
    );
  }
  if (config.kinds.includes("ask")) {
    server.registerTool(
      "ask_human",
      {
        title: "Ask the operator a question",
        description: "Ask the operator (a human) a question; the answer comes back as text. " +
          "Use it for decisions or facts only the human has, not for what you can find out " +
          "yourself. The call waits a little; if no answer comes in time you get 'pending, id " +
          "N': carry on if you can and call request_status with id N later to read the answer. " +
          "If the operator declines to answer, that is final: do not ask the same again.",
        inputSchema: askInput,
        annotations: { readOnlyHint: false, idempotentHint: false, openWorldHint: false },
      },
      async (input: z.infer<typeof askInput>, extra: Extra) =>
        result(await askHuman(service, agent, input, waitFor(extra))),
    );
  }
  server.registerTool("request_status", {
    title: "Check your requests",
    description: "Look up your requests to the operator; answers at once. With id: that " +
      "request's state and the operator's response (an answer, or why it was denied). " +
      "Without id: your latest requests. States: pending (not decided yet; check again " +
      "after other work, not in a loop), approved (retry what you asked for; for a question " +
      "the response is the answer), denied (final: do not ask again), expired, withdrawn.",
    inputSchema: statusInput,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  }, (input: z.infer<typeof statusInput>) => result(requestStatus(service, agent, input.id)));
}
