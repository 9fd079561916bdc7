// Local stand-in of the Anthropic Messages API (and a minimal OpenAI Responses API),
// enough to drive the real Claude Code / Codex CLIs offline. Spike code.
//
//   deno run --allow-net --allow-env --allow-write standin.ts
//   env: STANDIN_PORT (default 8787), STANDIN_LOG (JSONL request log; default stderr only)
//
// Scripted behaviour (deterministic, keyed on the *first* user text of the conversation):
//   * prompt contains  BASH: <command>   -> first turn: a tool_use of the client's shell
//     tool (Claude: "Bash"; Codex: "exec_command"/"shell") with that command; once the
//     conversation holds the tool result -> text "tool done: <first 200 chars of result>".
//   * anything else                       -> text "hi from standin".
// Secrets (x-api-key, authorization) are redacted in the log, but their *shape* is kept
// (prefix + length) so a test can assert which credential arrived.

const PORT = Number(Deno.env.get("STANDIN_PORT") ?? 8787);
const LOG = Deno.env.get("STANDIN_LOG");
let seq = 0;
let bodySeq = 0;

function redact(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of h) {
    out[k] = /^(x-api-key|authorization|cookie)$/i.test(k)
      ? `<redacted len=${v.length} prefix=${JSON.stringify(v.slice(0, 10))}>`
      : v;
  }
  return out;
}

function log(entry: Record<string, unknown>) {
  const line = JSON.stringify({ t: new Date().toISOString(), ...entry });
  console.error(line);
  if (LOG) Deno.writeTextFileSync(LOG, line + "\n", { append: true });
}

// deno-lint-ignore no-explicit-any
type Json = any;

function textOf(content: Json): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((c) =>
      typeof c === "string" ? c : c.text ?? (c.content !== undefined ? textOf(c.content) : "")
    ).join("");
  }
  return "";
}

// ---------------------------------------------------------------- Anthropic Messages

function anthropicPlan(body: Json): { kind: "text"; text: string } | { kind: "tool"; name: string; input: Json } {
  const msgs: Json[] = body.messages ?? [];
  const firstUser = msgs.find((m) => m.role === "user");
  // Claude Code prepends <system-reminder> blocks to the first user message; search all text.
  const prompt = firstUser ? textOf(firstUser.content) : "";
  const toolResults = msgs.flatMap((m) =>
    Array.isArray(m.content) ? m.content.filter((c: Json) => c.type === "tool_result") : []
  );
  const m = prompt.match(/BASH:\s*(.+)/);
  if (m && body.tools?.length) {
    if (toolResults.length) {
      return { kind: "text", text: "tool done: " + textOf(toolResults.at(-1).content).slice(0, 200) };
    }
    const bash = body.tools.find((t: Json) => t.name === "Bash");
    if (bash) return { kind: "tool", name: "Bash", input: { command: m[1].trim(), description: "run it" } };
  }
  return { kind: "text", text: "hi from standin" };
}

function sse(events: [string, Json][]): Response {
  const enc = new TextEncoder();
  const stream = new ReadableStream({
    start(c) {
      for (const [ev, data] of events) c.enqueue(enc.encode(`event: ${ev}\ndata: ${JSON.stringify(data)}\n\n`));
      c.close();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": "req_standin" },
  });
}

function anthropicMessages(body: Json): Response {
  const plan = anthropicPlan(body);
  const id = `msg_standin_${++seq}`;
  const model = body.model ?? "claude-standin";
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const block = plan.kind === "text"
    ? { type: "text", text: plan.text }
    : { type: "tool_use", id: `toolu_standin_${seq}`, name: plan.name, input: plan.input };
  const stop_reason = plan.kind === "text" ? "end_turn" : "tool_use";

  if (!body.stream) {
    return Response.json({
      id, type: "message", role: "assistant", model, content: [block],
      stop_reason, stop_sequence: null, usage,
    }, { headers: { "request-id": "req_standin" } });
  }
  const start = plan.kind === "text" ? { type: "text", text: "" } : { ...block, input: {} };
  const delta = plan.kind === "text"
    ? { type: "text_delta", text: plan.text }
    : { type: "input_json_delta", partial_json: JSON.stringify(plan.input) };
  return sse([
    ["message_start", {
      type: "message_start",
      message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: start }],
    ["ping", { type: "ping" }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } }],
    ["message_stop", { type: "message_stop" }],
  ]);
}

// ---------------------------------------------------------------- OpenAI Responses (Codex)

function responsesPlan(body: Json): { kind: "text"; text: string } | { kind: "tool"; name: string; args: Json } {
  const input: Json[] = Array.isArray(body.input) ? body.input : [];
  const users = input.filter((i) => i.role === "user").map((i) => textOf(i.content));
  const prompt = users.find((u) => /BASH:/.test(u)) ?? users.at(-1) ?? "";
  const outputs = input.filter((i) => i.type === "function_call_output" || i.type === "custom_tool_call_output");
  const m = prompt.match(/BASH:\s*(.+)/);
  if (m) {
    if (outputs.length) {
      const o = outputs.at(-1).output;
      return { kind: "text", text: "tool done: " + (typeof o === "string" ? o : JSON.stringify(o)).slice(0, 200) };
    }
    const names = (body.tools ?? []).map((t: Json) => t.name);
    if (names.includes("exec_command")) return { kind: "tool", name: "exec_command", args: { cmd: m[1].trim() } };
    if (names.includes("shell")) return { kind: "tool", name: "shell", args: { command: ["bash", "-lc", m[1].trim()] } };
    if (names.includes("shell_command")) return { kind: "tool", name: "shell_command", args: { command: m[1].trim() } };
  }
  return { kind: "text", text: "hi from standin" };
}

function responses(body: Json): Response {
  const plan = responsesPlan(body);
  const rid = `resp_standin_${++seq}`;
  const item = plan.kind === "text"
    ? { type: "message", id: `msg_${seq}`, role: "assistant", status: "completed", content: [{ type: "output_text", text: plan.text, annotations: [] }] }
    : { type: "function_call", id: `fc_${seq}`, call_id: `call_${seq}`, name: plan.name, arguments: JSON.stringify(plan.args), status: "completed" };
  const base = { id: rid, object: "response", model: body.model, status: "in_progress", output: [] as Json[] };
  const events: [string, Json][] = [
    ["response.created", { type: "response.created", response: base }],
  ];
  const added = plan.kind === "text" ? { ...item, status: "in_progress", content: [] } : { ...item, status: "in_progress", arguments: "" };
  events.push(["response.output_item.added", { type: "response.output_item.added", output_index: 0, item: added }]);
  if (plan.kind === "text") {
    events.push(["response.output_text.delta", { type: "response.output_text.delta", item_id: item.id, output_index: 0, content_index: 0, delta: plan.text }]);
  }
  events.push(["response.output_item.done", { type: "response.output_item.done", output_index: 0, item }]);
  events.push(["response.completed", {
    type: "response.completed",
    response: { ...base, status: "completed", output: [item], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 } },
  }]);
  return sse(events);
}

// ---------------------------------------------------------------- router

Deno.serve({ hostname: "127.0.0.1", port: PORT, onListen: ({ port }) => console.error(`standin listening on 127.0.0.1:${port}`) }, async (req) => {
  const url = new URL(req.url);
  const raw = req.method === "POST" ? await req.text() : "";
  let body: Json = {};
  try { body = raw ? JSON.parse(raw) : {}; } catch { /* not json */ }
  log({
    method: req.method, path: url.pathname + url.search, headers: redact(req.headers),
    model: body.model, stream: body.stream, n_messages: body.messages?.length ?? body.input?.length,
    tools: (body.tools ?? []).map((t: Json) => t.name ?? t.type).slice(0, 60),
  });
  const dump = Deno.env.get("STANDIN_BODIES"); // optional: directory to write raw request bodies into
  if (dump && raw) Deno.writeTextFileSync(`${dump}/${String(++bodySeq).padStart(3, "0")}.json`, raw);
  const p = url.pathname;
  if (req.method === "POST" && /\/v1\/messages\/count_tokens$/.test(p)) return Response.json({ input_tokens: 42 });
  if (req.method === "POST" && /\/v1\/messages$/.test(p)) return anthropicMessages(body);
  if (req.method === "POST" && /\/responses$/.test(p)) return responses(body);
  if (req.method === "GET" && /\/models$/.test(p)) return Response.json({ data: [], object: "list" });
  if (req.method === "HEAD" || (req.method === "GET" && p === "/")) return new Response("ok");
  return Response.json({ type: "error", error: { type: "not_found_error", message: `standin: no route ${req.method} ${p}` } }, { status: 404 });
});
