import { characterClasses } from "../entropy.ts";
import { B, BU, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

export const LLM_RULES: SecretRule[] = [
  prefixRule(
    "anthropic-api-key",
    "Anthropic API key",
    ["sk-ant-api03-"],
    `${BU}sk-ant-api03-[A-Za-z0-9_-]{80,120}${EU}`,
  ),
  prefixRule(
    "anthropic-admin-key",
    "Anthropic admin API key",
    ["sk-ant-admin01-"],
    `${BU}sk-ant-admin01-[A-Za-z0-9_-]{80,120}${EU}`,
  ),
  defineRule({
    id: "openai-api-key",
    title: "OpenAI API key",
    anchors: ["sk-"],
    anchorBefore: BU,
    anchorAfter: "[A-Za-z0-9_-]{10}",
    pattern: `${BU}sk-[A-Za-z0-9_-]{10,200}?T3BlbkFJ[A-Za-z0-9_-]{10,200}${EU}`,
  }),
  contextRule(
    "cohere-api-key",
    "Cohere API key",
    "(?:cohere|co)[_-]?(?:api[_-]?)?(?:key|token)",
    "[A-Za-z0-9]{40}",
    (m) => characterClasses(m[1]) >= 2,
  ),
  contextRule(
    "mistral-api-key",
    "Mistral API key",
    "mistral[_-]?(?:api[_-]?)?key",
    "[A-Za-z0-9]{32}",
    (m) => characterClasses(m[1]) >= 2,
  ),
  prefixRule("groq-api-key", "Groq API key", ["gsk_"], `${B}gsk_[A-Za-z0-9]{52}${E}`),
  prefixRule(
    "huggingface-token",
    "Hugging Face access token",
    ["hf_"],
    `${B}hf_[A-Za-z0-9]{34,40}${E}`,
    (m) => characterClasses(m[0].slice(3)) >= 2,
  ),
  prefixRule("replicate-api-token", "Replicate API token", ["r8_"], `${B}r8_[A-Za-z0-9]{37}${E}`),
  prefixRule(
    "perplexity-api-key",
    "Perplexity API key",
    ["pplx-"],
    `${B}pplx-[A-Za-z0-9]{48}${E}`,
  ),
  prefixRule("xai-api-key", "xAI API key", ["xai-"], `${B}xai-[A-Za-z0-9]{80}${E}`),
  prefixRule(
    "openrouter-api-key",
    "OpenRouter API key",
    ["sk-or-v1-"],
    `${BU}sk-or-v1-[a-f0-9]{64}${E}`,
  ),
];
