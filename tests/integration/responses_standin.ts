/**
 * A plain-HTTP stand-in of the OpenAI Responses API (streaming), enough to drive the real Codex
 * CLI (adapted from docs/agents-spike/standin.ts). A conversation whose user text holds
 * `STANDIN-SCRIPT` gets one `exec_command` call per command in `script`, in order, then the
 * text `standin done`; any other gets `hi from standin`. Test use only.
 */
import { asList, asMap, type Json, type JsonMap, sseResponse, textOf } from "./standin_json.ts";

export interface ResponsesRequest {
  path: string;
  authorization: string | null;
  /** The request's `instructions` (the base system prompt). */
  instructions: string;
  /** Every message in `input` (developer, user, assistant), in order. */
  messages: { role: string; text: string }[];
  /** The names of the tools offered (functions; a namespace's own tools as `ns.name`). */
  tools: string[];
  /** The output of every tool call in the conversation so far, oldest first. */
  toolOutputs: string[];
  /** The raw body, for a failing test's message. */
  raw: string;
}

export interface ResponsesStandIn {
  port: number;
  received: ResponsesRequest[];
  /** `METHOD /path` of every other request (answered 404). */
  others: string[];
  close(): Promise<void>;
}

export const FINAL_TEXT = "standin done";

/**
 * One scripted step: a shell command (an `exec_command` call), a call of another function tool
 * (`arguments`), or of a free-form tool such as code mode's `exec` (`input`).
 */
export type ScriptStep =
  | string
  | { name: string; namespace?: string; arguments: JsonMap }
  | { name: string; namespace?: string; input: string };

export function startResponsesStandIn(script: ScriptStep[]): ResponsesStandIn {
  const received: ResponsesRequest[] = [];
  const others: string[] = [];
  let seq = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || !url.pathname.endsWith("/responses")) {
      others.push(`${req.method} ${url.pathname}`);
      await req.body?.cancel();
      return Response.json({ error: { message: "standin: no such route" } }, { status: 404 });
    }
    let raw: string;
    try {
      raw = await req.text();
    } catch {
      // The egress proxy aborted the body (it blocks a request once it sees something in it).
      return new Response(null, { status: 400 });
    }
    const body = asMap(JSON.parse(raw));
    const input = asList(body.input).map(asMap);
    const toolOutputs = input.filter((item) =>
      item.type === "function_call_output" || item.type === "custom_tool_call_output"
    ).map((item) => textOf(item.output));
    const messages = input.filter((item) => typeof item.role === "string" && "content" in item)
      .map((item) => ({ role: String(item.role), text: textOf(item.content) }));
    received.push({
      path: url.pathname,
      authorization: req.headers.get("authorization"),
      instructions: typeof body.instructions === "string" ? body.instructions : "",
      messages,
      tools: toolNames(asList(body.tools)),
      toolOutputs,
      raw,
    });
    const scripted = messages.some((message) =>
      message.role === "user" && message.text.includes("STANDIN-SCRIPT")
    );
    const step = toolOutputs.length;
    seq += 1;
    const item: JsonMap = scripted && step < script.length ? toolCall(script[step], seq) : {
      type: "message",
      id: `msg_standin_${seq}`,
      role: "assistant",
      status: "completed",
      content: [{
        type: "output_text",
        text: scripted ? FINAL_TEXT : "hi from standin",
        annotations: [],
      }],
    };
    return stream(item, typeof body.model === "string" ? body.model : "gpt-standin", seq);
  });
  return { port: server.addr.port, received, others, close: () => server.shutdown() };
}

function toolCall(step: ScriptStep, seq: number): JsonMap {
  const call = typeof step === "string" ? { name: "exec_command", arguments: { cmd: step } } : step;
  const common = {
    id: `fc_standin_${seq}`,
    call_id: `call_standin_${seq}`,
    name: call.name,
    ...(call.namespace ? { namespace: call.namespace } : {}),
    status: "completed",
  };
  return "input" in call
    ? { type: "custom_tool_call", ...common, input: call.input }
    : { type: "function_call", ...common, arguments: JSON.stringify(call.arguments) };
}

function toolNames(tools: Json[]): string[] {
  return tools.map(asMap).flatMap((tool): string[] => {
    const name = typeof tool.name === "string" ? tool.name : String(tool.type);
    if (tool.type !== "namespace") return [name];
    return toolNames(asList(tool.tools)).map((inner) => `${name}.${inner}`);
  });
}

/** The event sequence Codex needs: created, item added, (text delta), item done, completed. */
function stream(item: JsonMap, model: string, seq: number): Response {
  const response = { id: `resp_standin_${seq}`, object: "response", model, output: [] };
  const empty: JsonMap = item.type === "message"
    ? { content: [] }
    : item.type === "custom_tool_call"
    ? { input: "" }
    : { arguments: "" };
  const added = { ...item, status: "in_progress", ...empty };
  const events: JsonMap[] = [
    { type: "response.created", response: { ...response, status: "in_progress" } },
    { type: "response.output_item.added", output_index: 0, item: added },
  ];
  if (item.type === "message") {
    events.push({
      type: "response.output_text.delta",
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      delta: textOf(item.content),
    });
  }
  events.push(
    { type: "response.output_item.done", output_index: 0, item },
    {
      type: "response.completed",
      response: {
        ...response,
        status: "completed",
        output: [item],
        usage: {
          input_tokens: 10,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 5,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 15,
        },
      },
    },
  );
  return sseResponse(
    events.map((data): [string, JsonMap] => [String(data.type), data]),
    { "x-request-id": "req_standin" },
  );
}
