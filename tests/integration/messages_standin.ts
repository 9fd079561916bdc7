import { asList, asMap, type JsonMap, sseResponse, textOf } from "./standin_json.ts";

/**
 * A plain-HTTP stand-in of the Anthropic Messages API (streaming), enough to drive the real
 * Claude Code CLI (adapted from docs/agents-spike/standin.ts). A conversation whose first user
 * text holds `STANDIN-SCRIPT` gets one tool call per step of `script`, in order (a string is a
 * Bash command), then the text `standin done`; any other gets `hi from standin`. Test use only.
 */

export interface MessagesRequest {
  path: string;
  apiKey: string | null;
  /** The system prompt's text. */
  system: string;
  /** The text of every tool_result in the conversation so far, oldest first. */
  toolResults: string[];
  /** The names of the tools offered to the model. */
  tools: string[];
  /** The whole request body. */
  body: string;
}

/** A scripted step: a Bash command, or a call of any tool the CLI offers. */
export type ScriptStep = string | { tool: string; input: JsonMap };

export interface MessagesStandIn {
  port: number;
  received: MessagesRequest[];
  close(): Promise<void>;
}

export const FINAL_TEXT = "standin done";

export function startMessagesStandIn(script: ScriptStep[]): MessagesStandIn {
  const received: MessagesRequest[] = [];
  let seq = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method !== "POST" || !url.pathname.endsWith("/v1/messages")) {
      await req.body?.cancel();
      return Response.json({ type: "error", error: { type: "not_found_error" } }, {
        status: 404,
      });
    }
    const raw = await req.text();
    const body = asMap(JSON.parse(raw));
    const messages = asList(body.messages).map(asMap);
    const toolResults = messages.flatMap((m) =>
      asList(m.content).map(asMap).filter((c) => c.type === "tool_result").map((c) =>
        textOf(c.content)
      )
    );
    received.push({
      path: url.pathname,
      apiKey: req.headers.get("x-api-key"),
      system: textOf(body.system),
      toolResults,
      tools: asList(body.tools).map(asMap).map((tool) => String(tool.name)),
      body: raw,
    });
    const firstUser = messages.find((m) => m.role === "user");
    const scripted = firstUser !== undefined &&
      textOf(firstUser.content).includes("STANDIN-SCRIPT");
    const step = toolResults.length;
    const block: JsonMap = scripted && step < script.length
      ? { type: "tool_use", id: `toolu_standin_${++seq}`, ...toolCall(script[step]) }
      : { type: "text", text: scripted ? FINAL_TEXT : "hi from standin" };
    return stream(block, typeof body.model === "string" ? body.model : "claude-standin", ++seq);
  });
  return { port: server.addr.port, received, close: () => server.shutdown() };
}

function toolCall(step: ScriptStep): { name: string; input: JsonMap } {
  if (typeof step !== "string") return { name: step.tool, input: step.input };
  return { name: "Bash", input: { command: step, description: "scripted step" } };
}

function stream(block: JsonMap, model: string, seq: number): Response {
  const tool = block.type === "tool_use";
  const stopReason = tool ? "tool_use" : "end_turn";
  const usage = { input_tokens: 10, output_tokens: 1 };
  const events: [string, JsonMap][] = [
    ["message_start", {
      type: "message_start",
      message: {
        id: `msg_standin_${seq}`,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      },
    }],
    ["content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: tool ? { ...block, input: {} } : { type: "text", text: "" },
    }],
    ["ping", { type: "ping" }],
    ["content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: tool
        ? { type: "input_json_delta", partial_json: JSON.stringify(block.input) }
        : { type: "text_delta", text: block.text },
    }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", {
      type: "message_delta",
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 5 },
    }],
    ["message_stop", { type: "message_stop" }],
  ];
  return sseResponse(events, { "request-id": "req_standin" });
}
