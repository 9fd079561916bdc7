import { characterClasses } from "../entropy.ts";
import { B, contextRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const MODEL_PROVIDER_RULES: SecretRule[] = [
  prefixRule(
    "anthropic-api-key",
    "Anthropic API key",
    ["sk-ant-api03-"],
    `${B}sk-ant-api03-[A-Za-z0-9_-]{80,120}${EU}`,
  ),
  prefixRule(
    "anthropic-admin-key",
    "Anthropic admin API key",
    ["sk-ant-admin01-"],
    `${B}sk-ant-admin01-[A-Za-z0-9_-]{80,120}${EU}`,
  ),
  // Project, service-account, admin and legacy keys all carry "T3BlbkFJ" (base64 "OpenAI").
  prefixRule(
    "openai-api-key",
    "OpenAI API key",
    ["sk-"],
    `${B}sk-[A-Za-z0-9_-]{10,200}?T3BlbkFJ[A-Za-z0-9_-]{10,200}${EU}`,
  ),
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
  contextRule(
    "deepseek-api-key",
    "DeepSeek API key",
    "deepseek[_-]?(?:api[_-]?)?key",
    "sk-[a-f0-9]{32}",
  ),
  prefixRule("groq-api-key", "Groq API key", ["gsk_"], `${B}gsk_[A-Za-z0-9]{52}${E}`),
  prefixRule(
    "huggingface-token",
    "Hugging Face access token",
    ["hf_", "api_org_"],
    `${B}(?:hf|api_org)_([A-Za-z0-9]{34,40})${E}`,
    (m) => characterClasses(m[1]) >= 2,
  ),
  prefixRule(
    "replicate-api-token",
    "Replicate API token",
    ["r8_"],
    `${B}r8_[A-Za-z0-9_-]{37}${EU}`,
  ),
  prefixRule(
    "perplexity-api-key",
    "Perplexity API key",
    ["pplx-"],
    `${B}pplx-[A-Za-z0-9]{48}${E}`,
  ),
  prefixRule("xai-api-key", "xAI API key", ["xai-"], `${B}xai-[A-Za-z0-9_]{80}${E}`),
  prefixRule(
    "openrouter-api-key",
    "OpenRouter API key",
    ["sk-or-v1-"],
    `${B}sk-or-v1-[a-f0-9]{64}${E}`,
  ),
  prefixRule(
    "nvidia-api-key",
    "NVIDIA API key",
    ["nvapi-"],
    `${B}nvapi-[A-Za-z0-9_-]{64}${EU}`,
  ),
  prefixRule(
    "elevenlabs-api-key",
    "ElevenLabs API key",
    ["sk_"],
    `${B}sk_[a-f0-9]{48}${E}`,
    (m) => characterClasses(m[0].slice(3)) >= 2,
  ),
];

const AI_TOOLING_RULES: SecretRule[] = [
  prefixRule(
    "langsmith-api-key",
    "LangSmith API key",
    ["lsv2_pt_", "lsv2_sk_"],
    `${B}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}${E}`,
  ),
  prefixRule("langfuse-secret-key", "Langfuse secret key", ["sk-lf-"], `${B}sk-lf-${UUID}${E}`),
  prefixRule(
    "pinecone-api-key",
    "Pinecone API key",
    ["pcsk_"],
    `${B}pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}${E}`,
  ),
  prefixRule(
    "tavily-api-key",
    "Tavily API key",
    ["tvly-"],
    `${B}tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}${E}`,
    (m) => characterClasses(m[0].slice(-32)) >= 2,
  ),
];

export const LLM_RULES: SecretRule[] = [...MODEL_PROVIDER_RULES, ...AI_TOOLING_RULES];
