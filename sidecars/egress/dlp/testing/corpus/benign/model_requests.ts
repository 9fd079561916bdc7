/**
 * Model API requests as the agents' CLIs send them (Anthropic messages, OpenAI responses),
 * carrying images and tool output: source files, lockfiles, manifests and `env` with the
 * bottle's placeholders.
 */
import { sourceCode } from "../../benign.ts";
import { ALNUM, HEX, type Rng } from "../../random.ts";
import { type AddCase, b64, HTTPS_ONLY, send, uuid } from "./common.ts";
import { awsDocs, ciYaml, composeYaml, envOutput, k8sSecretYaml, LOCKFILES } from "./documents.ts";

/** A PNG's signature and header chunk, then noise: base64 looks like a real screenshot. */
export function pngBase64(r: Rng, size: number): string {
  const head = new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
    0x49,
    0x48,
    0x44,
    0x52,
    0,
    0,
    5,
    0,
    0,
    0,
    3,
    0x20,
    8,
    6,
    0,
    0,
    0,
  ]);
  return b64(new Uint8Array([...head, ...r.bytes(size)]));
}

export const CLAUDE_HEADERS = (placeholder: string): [string, string][] => [
  ["Accept", "application/json"],
  ["Content-Type", "application/json"],
  ["User-Agent", "claude-cli/2.0.14 (external, cli)"],
  ["X-Api-Key", placeholder],
  ["Anthropic-Version", "2023-06-01"],
  ["Anthropic-Beta", "claude-code-20250219,interleaved-thinking-2025-05-14"],
  ["X-Stainless-Lang", "js"],
  ["X-Stainless-Package-Version", "0.60.0"],
  ["X-Stainless-Runtime", "node"],
  ["X-Stainless-Runtime-Version", "v22.11.0"],
  ["X-App", "cli"],
];

export const OPENAI_HEADERS = (placeholder: string, r: Rng): [string, string][] => [
  ["Accept", "text/event-stream"],
  ["Content-Type", "application/json"],
  ["User-Agent", "codex_cli_rs/0.46.0 (Ubuntu 24.04; x86_64) xterm-256color"],
  ["Authorization", `Bearer ${placeholder}`],
  ["Originator", "codex_cli_rs"],
  ["Session_id", uuid(r)],
  ["Conversation_id", uuid(r)],
];

/** An Anthropic messages request whose tool results are `toolOutputs`. */
export function anthropicMessages(r: Rng, toolOutputs: string[], image?: string): string {
  const messages: unknown[] = [{
    role: "user",
    content: [
      {
        type: "text",
        text: r.pick(["fix the failing test in src/", "why does npm ci fail?", "add a CI job"]),
      },
      ...(image === undefined ? [] : [{
        type: "image",
        source: { type: "base64", media_type: "image/png", data: image },
      }]),
    ],
  }];
  for (const output of toolOutputs) {
    const id = `toolu_01${r.chars(ALNUM, 22)}`;
    messages.push({
      role: "assistant",
      content: [
        {
          type: "thinking",
          thinking: "Let me look at the environment.",
          signature: b64(r.bytes(256)),
        },
        { type: "tool_use", id, name: "Bash", input: { command: "env", description: "Show env" } },
      ],
    });
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: id, content: output, is_error: false }],
    });
  }
  return JSON.stringify({
    model: "claude-sonnet-4-5-20250929",
    max_tokens: 32000,
    system: [{ type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." }],
    messages,
    tools: [{
      name: "Bash",
      description: "Executes a bash command",
      input_schema: { type: "object", properties: { command: { type: "string" } } },
    }],
    metadata: { user_id: `user_${r.chars(HEX, 64)}_account__session_${uuid(r)}` },
    stream: true,
  });
}

/** An OpenAI responses request whose function call outputs are `toolOutputs`. */
export function openaiResponses(r: Rng, toolOutputs: string[], image?: string): string {
  const input: unknown[] = [{
    type: "message",
    role: "user",
    content: [
      { type: "input_text", text: "run the tests and fix what fails" },
      ...(image === undefined
        ? []
        : [{ type: "input_image", image_url: `data:image/png;base64,${image}` }]),
    ],
  }];
  for (const output of toolOutputs) {
    const call = `call_${r.chars(ALNUM, 24)}`;
    input.push({
      type: "reasoning",
      summary: [],
      encrypted_content: `gAAAAAB${Buffer.from(r.bytes(600)).toString("base64url")}`,
    });
    input.push({
      type: "function_call",
      call_id: call,
      name: "shell",
      arguments: JSON.stringify({ command: ["bash", "-lc", "env"], workdir: "/workspace" }),
    });
    input.push({
      type: "function_call_output",
      call_id: call,
      output: JSON.stringify({ output, metadata: { exit_code: 0, duration_seconds: 0.1 } }),
    });
  }
  return JSON.stringify({
    model: "gpt-5-codex",
    instructions: "You are Codex, based on GPT-5. You are running as a coding agent.",
    input,
    tools: [{ type: "function", name: "shell", parameters: { type: "object" } }],
    tool_choice: "auto",
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: uuid(r),
  });
}

/** Model API requests on the credentialed routes, HTTPS only. */
export function modelRequestCases(r: Rng, add: AddCase, ph: Record<string, string>): void {
  // ---- model APIs: images, tool output with env (placeholders), files
  const files = (): string[] => [
    sourceCode(r, 60),
    envOutput(r, ph),
    r.pick(LOCKFILES)[1](r, 15),
    k8sSecretYaml(),
    ciYaml(r),
    composeYaml(r),
    awsDocs(),
  ];
  for (let i = 0; i < 6; i++) {
    add(
      "model api: image",
      "Anthropic messages with a screenshot",
      "api.anthropic.com",
      send(
        "POST",
        "/v1/messages?beta=true",
        CLAUDE_HEADERS(ph["api.anthropic.com"]),
        anthropicMessages(r, [envOutput(r, ph)], pngBase64(r, 20_000 + r.int(40_000))),
      ),
      HTTPS_ONLY,
    );
    add(
      "model api: image",
      "OpenAI responses with a screenshot",
      "api.openai.com",
      send(
        "POST",
        "/v1/responses",
        OPENAI_HEADERS(ph["api.openai.com"], r),
        openaiResponses(r, [sourceCode(r, 20)], pngBase64(r, 20_000 + r.int(40_000))),
      ),
      HTTPS_ONLY,
    );
  }
  for (let i = 0; i < 14; i++) {
    const outputs = files();
    const pick = [outputs[i % outputs.length], outputs[(i + 1) % outputs.length], outputs[1]];
    add(
      "model api: tool output",
      "Anthropic messages with env and file contents",
      "api.anthropic.com",
      send(
        "POST",
        "/v1/messages?beta=true",
        CLAUDE_HEADERS(ph["api.anthropic.com"]),
        anthropicMessages(r, pick),
      ),
      HTTPS_ONLY,
    );
    add(
      "model api: tool output",
      "OpenAI responses with env and file contents",
      "api.openai.com",
      send(
        "POST",
        "/v1/responses",
        OPENAI_HEADERS(ph["api.openai.com"], r),
        openaiResponses(r, pick),
      ),
      HTTPS_ONLY,
    );
  }
  add(
    "model api: tool output",
    "Anthropic token count",
    "api.anthropic.com",
    send(
      "POST",
      "/v1/messages/count_tokens?beta=true",
      CLAUDE_HEADERS(ph["api.anthropic.com"]),
      anthropicMessages(r, [sourceCode(r, 40)]),
    ),
    HTTPS_ONLY,
  );
}
