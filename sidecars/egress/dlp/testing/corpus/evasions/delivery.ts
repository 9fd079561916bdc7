/**
 * Where the secret travels: deep in a long streamed body, and pasted into the conversation
 * with a model on a credentialed route, where the bottle's own secret must still be caught.
 */
import { sourceCode } from "../../benign.ts";
import type { Rng } from "../../random.ts";
import { envOutput } from "../benign/documents.ts";
import {
  anthropicMessages,
  CLAUDE_HEADERS,
  OPENAI_HEADERS,
  openaiResponses,
} from "../benign/model_requests.ts";
import { base64 } from "../encode.ts";
import type { CorpusCase } from "../wire.ts";
import { utf8Bytes } from "../../../../../../lib/bytes.ts";
import { type AddEvasion, type EvasionContext, mention, post, tokens } from "./common.ts";

/** Streamed bodies, then model conversations (HTTPS only, cases of their own shape). */
export function deliveryEvasions(
  r: Rng,
  add: AddEvasion,
  push: (c: CorpusCase) => void,
  context: EvasionContext,
): void {
  // Streamed: the proxy forwards a long body as it clears it, so hundreds of KiB go out
  // before the secret arrives; not one byte of the secret may go with them.
  tokens(r, 8, 0).forEach((s, i) => {
    const before = sourceCode(r, 6000 + r.int(2000));
    const after = sourceCode(r, 1000);
    const inner = i >= 6
      ? `blob ${base64(mention(s.text, false))}`
      : i % 4 === 0
      ? `const token = "${s.text}";`
      : `// rotated ${s.text} at 12:04`;
    const json = i % 2 === 1;
    const text = json
      ? JSON.stringify({
        files: [{ path: "a.ts", content: before }, { path: "b.ts", content: `${inner}\n${after}` }],
      })
      : `${before}${inner}\n${after}`;
    add(
      "deep in a streamed body",
      `${s.rule} ${Math.round(before.length / 1024)} KiB into a ${json ? "JSON" : "text"} body${
        i % 4 >= 2 ? ", chunked" : ""
      }${i >= 6 ? ", base64" : ""}`,
      [{
        ...post("/v1/files", json ? "application/json" : "text/plain", text),
        ...(i % 4 >= 2 ? { chunkSize: 4096 } : {}),
      }],
      [s.secret],
    );
  });
  // Pasted into the conversation with a model (a credentialed route, HTTPS only): there a
  // built-in format is only warned (the provider sees what the agent reads), but the
  // operator's real secrets — the bottle's own — must never reach the provider.
  [0, 1, 2, 3].forEach((i) => {
    const s = { rule: "bottle-secret", secret: context.bottleSecret };
    const value = i < 2 ? context.bottleSecret : base64(context.bottleSecret);
    const output = `${envOutput(r, context.placeholders)}VAULT_TOKEN=${value}\n`;
    const anthropic = i % 2 === 0;
    push({
      group: "evasion",
      family: "secret in a model api body",
      name: `${s.rule} in ${anthropic ? "an Anthropic" : "an OpenAI"} tool result`,
      host: anthropic ? "api.anthropic.com" : "api.openai.com",
      requests: [{
        method: "POST",
        path: anthropic ? "/v1/messages?beta=true" : "/v1/responses",
        headers: anthropic
          ? CLAUDE_HEADERS(context.placeholders["api.anthropic.com"])
          : OPENAI_HEADERS(context.placeholders["api.openai.com"], r),
        body: utf8Bytes(anthropic ? anthropicMessages(r, [output]) : openaiResponses(r, [output])),
      }],
      secrets: [s.secret],
      transports: ["https"],
    });
  });
}
