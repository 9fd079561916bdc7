/**
 * What blocks in a conversation (the body of a request on a credentialed route), with the real
 * DLP engine: the tool output an agent quotes goes, the bottle's real secrets never do.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { formatRulesLoaded, inConversation, isFormatFinding } from "./conversation.ts";
import { compilePolicy } from "../policy/decide.ts";
import {
  BODY_TOO_LARGE,
  createDlpEngine,
  type DlpEngine,
  type DlpFinding,
  ENCODING_CORRUPT,
  ENCODING_UNKNOWN,
  SECRET_RULE_IDS,
} from "../dlp/mod.ts";
import type { Block } from "./block.ts";
import { BodyCheck, DLP_UNAVAILABLE_RULE } from "./checks.ts";
import type { HeaderField } from "../http/head.ts";
import { planRequest, type RoutePlan } from "../pipeline/route_plan.ts";
import { compileSecrets, type SecretTable } from "../secrets/table.ts";
import { testPolicy } from "../testing/mod.ts";

const MODEL_KEY = "sk-ant-api03-Xq7Lm2Vb9Rt4Wz1Kc8Np3Hs6Jd5Gf0YaUe";
const GIT_TOKEN = "ghp_R4nd0mT0kenV4lueF0rTh3G1tR0ute00";
const PLACEHOLDER = "bb_placeholder_0123456789abcdef0123456789abcdef";
const ENV_DUMP = [
  "PATH=/usr/bin:/bin",
  `ANTHROPIC_API_KEY=${PLACEHOLDER}`,
  "CLAUDE_CODE_MESSAGING_TOKEN=3f9c2a71be04d85e6a1c7f20d9b34e58",
  "CLAUDE_CODE_SESSION_ACCESS_TOKEN=8d1e7b3a9c2f46e0b5a7d1c3e9f20486",
  "HTTPS_PROXY=http://127.0.0.1:3128",
  "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8sR2pL0v",
].join("\n");

function secrets(): SecretTable {
  return compileSecrets({
    version: 1,
    bottle: "dev",
    secrets: [
      {
        host: "api.anthropic.com",
        scheme: "x-api-key",
        value: MODEL_KEY,
        placeholder: PLACEHOLDER,
      },
      { host: "api.github.com", scheme: "bearer", value: GIT_TOKEN, placeholder: "bb_ph_git_0001" },
    ],
  }, "dev");
}

function engine(table: SecretTable, maxBodyBytes = 1 << 20): DlpEngine {
  return createDlpEngine({
    rules: {},
    maxBodyBytes,
    bottleSecrets: table.secrets.map((s) => ({ id: s.id, value: s.value })),
  });
}

function plan(host: string, path: string, headers: HeaderField[] = []): RoutePlan | Block {
  const table = secrets();
  const result = planRequest({
    policy: compilePolicy(testPolicy(["api.anthropic.com", "other.test"], [
      { host: "api.anthropic.com", passthrough: false },
    ])),
    secrets: table,
    dlp: engine(table),
    intercepted: true,
    host,
    port: 443,
    path,
    headers,
  });
  return result.ok ? result.plan : result.block;
}

/** The body through BodyCheck as pipeline/request_body.ts builds it for `plan`, in small chunks. */
function sendBody(
  plan: RoutePlan,
  body: string,
  options: { encoding?: string; maxBodyBytes?: number } = {},
): { block: Block | null; warnings: DlpFinding[] } {
  const table = secrets();
  const check = new BodyCheck({
    scan: engine(table, options.maxBodyBytes).scanBody(
      "api.anthropic.com",
      "application/json",
      options.encoding ?? null,
    ),
    placeholders: plan.conversation ? [] : table.placeholderNeedles,
    host: "api.anthropic.com",
    bottle: "dev",
    conversation: plan.conversation,
    split: null,
  });
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += 7) {
    const block = check.push(bytes.subarray(i, i + 7));
    if (block !== null) return { block, warnings: check.warnings };
  }
  return { block: check.end(), warnings: check.warnings };
}

function conversationPlan(): RoutePlan {
  const model = plan("api.anthropic.com", "/v1/messages");
  assert.ok("conversation" in model, JSON.stringify(model));
  return model;
}

function toolResult(text: string): string {
  return JSON.stringify({
    model: "claude",
    messages: [{ role: "user", content: [{ type: "tool_result", content: text }] }],
  });
}

Deno.test("conversation: the format rules are known, fail-closed and bottle rules are not", async () => {
  assert.equal(await formatRulesLoaded(), true);
  const finding = (rule: string): DlpFinding => ({
    rule,
    action: "block",
    where: "body",
    detail: "",
  });
  for (const rule of SECRET_RULE_IDS) assert.ok(isFormatFinding(finding(rule)), rule);
  const kept = [
    "bottle-secret:api.anthropic.com",
    "bottle-secret-split:api.anthropic.com",
    BODY_TOO_LARGE,
    ENCODING_UNKNOWN,
    ENCODING_CORRUPT,
    "archive-unreadable",
    DLP_UNAVAILABLE_RULE,
    "a-rule-added-later",
  ];
  for (const rule of kept) {
    assert.ok(!isFormatFinding(finding(rule)), rule);
    assert.deepEqual(inConversation([finding(rule)]), [finding(rule)]);
  }
  assert.deepEqual(inConversation([finding("generic-secret-assignment")])[0].action, "warn");
});

Deno.test("conversation: a credentialed route's body is a conversation; no other body is", () => {
  assert.equal(conversationPlan().conversation, true);
  const other = plan("other.test", "/upload");
  assert.ok("conversation" in other);
  assert.equal(other.conversation, false);
});

Deno.test("conversation: `env` output goes on the model route, warned; elsewhere it blocks", async () => {
  await formatRulesLoaded();
  const body = toolResult(ENV_DUMP);
  const sent = sendBody(conversationPlan(), body);
  assert.equal(sent.block, null);
  const warned = sent.warnings.map((w) => `${w.rule}@${w.where}`);
  assert.ok(warned.includes("generic-secret-assignment@body"), warned.join());
  assert.ok(sent.warnings.every((w) => w.action === "warn"));
  const other = plan("other.test", "/upload");
  assert.ok("conversation" in other);
  const refused = sendBody(other, JSON.stringify({ log: ENV_DUMP.replace(PLACEHOLDER, "x") }));
  assert.match(refused.block?.rule ?? "", /^dlp:/);
});

Deno.test("conversation: the bottle's real secrets block in every form, naming rule and place", async () => {
  await formatRulesLoaded();
  const forms: [string, string][] = [
    ["raw", `ANTHROPIC_API_KEY=${MODEL_KEY}`],
    ["base64", Buffer.from(`key: ${MODEL_KEY}\n`).toString("base64")],
    ["base64url", Buffer.from(`>>${MODEL_KEY}`).toString("base64url")],
    ["hex", Buffer.from(MODEL_KEY).toString("hex")],
    ["percent-encoded", encodeURIComponent(`k=${MODEL_KEY}`).replaceAll("-", "%2D")],
    ["another route's", `GITHUB_TOKEN=${GIT_TOKEN}`],
  ];
  for (const [form, text] of forms) {
    const { block } = sendBody(conversationPlan(), toolResult(`${ENV_DUMP}\n${text}`));
    assert.ok(block !== null, form);
    const route = form === "another route's" ? "api.github.com" : "api.anthropic.com";
    assert.equal(block.rule, `dlp:bottle-secret:${route}`, form);
    assert.equal(block.where, "body");
    assert.match(
      block.reason,
      new RegExp(`^DLP rule "bottle-secret:${route}" matched the request body`),
    );
    assert.match(block.reason, /never|does not let/);
    for (const secret of [MODEL_KEY, GIT_TOKEN, PLACEHOLDER]) {
      assert.ok(!block.reason.includes(secret), `${form}: ${block.reason}`);
      assert.ok(!block.reason.includes(Buffer.from(secret).toString("base64").slice(0, 16)));
    }
  }
});

Deno.test("conversation: a body that cannot be scanned whole still blocks", async () => {
  await formatRulesLoaded();
  const unknown = sendBody(conversationPlan(), "{}", { encoding: "x-secret-sauce" });
  assert.equal(unknown.block?.rule, `dlp:${ENCODING_UNKNOWN}`);
  const corrupt = sendBody(conversationPlan(), "not gzip at all", { encoding: "gzip" });
  assert.equal(corrupt.block?.rule, `dlp:${ENCODING_CORRUPT}`);
  const large = sendBody(conversationPlan(), toolResult("x".repeat(5000)), { maxBodyBytes: 1000 });
  assert.equal(large.block?.rule, `dlp:${BODY_TOO_LARGE}`);
});

Deno.test("conversation: URL and headers of the model route keep full DLP", () => {
  const inUrl = plan(
    "api.anthropic.com",
    "/v1/messages?AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8sR2pL0v",
  );
  assert.ok("rule" in inUrl && inUrl.rule.startsWith("dlp:") && inUrl.where === "url");
  const inHeader = plan("api.anthropic.com", "/v1/messages", [
    { name: "X-Debug", value: "CLAUDE_CODE_MESSAGING_TOKEN=3f9c2a71be04d85e6a1c7f20d9b34e58" },
  ]);
  assert.ok("rule" in inHeader && inHeader.where === "header", JSON.stringify(inHeader));
  const secretInHeader = plan("api.anthropic.com", "/v1/messages", [
    { name: "X-Note", value: MODEL_KEY },
  ]);
  assert.ok("rule" in secretInHeader);
  assert.equal(secretInHeader.rule, "dlp:bottle-secret:api.anthropic.com");
  assert.ok(!secretInHeader.reason.includes(MODEL_KEY));
});
