import { decodeBase64 } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

/** Grafana's legacy API keys are base64 JSON: `{"k":"…","n":"…","id":1}`. */
function grafanaKeyJson(m: RegExpExecArray): boolean {
  const json = decodeBase64(m[0].replace(/=+$/, ""));
  try {
    const parsed: unknown = JSON.parse(json ?? "");
    return typeof parsed === "object" && parsed !== null &&
      typeof (parsed as Record<string, unknown>).k === "string";
  } catch {
    return false;
  }
}

const NEW_RELIC_RULES: SecretRule[] = [
  prefixRule(
    "newrelic-user-api-key",
    "New Relic user API key",
    ["NRAK-"],
    `${B}NRAK-[A-Z0-9]{27}${E}`,
  ),
  prefixRule(
    "newrelic-insert-key",
    "New Relic insert key",
    ["NRII-"],
    `${B}NRII-[A-Za-z0-9_-]{32}${EU}`,
  ),
  defineRule({
    id: "newrelic-license-key",
    title: "New Relic license key",
    anchors: ["NRAL"],
    anchorBefore: "[a-f0-9]{36}",
    pattern: `(?<=${B}([a-f0-9]{36}))NRAL${E}`,
    secret: (m) => m[1] + m[0],
  }),
];

const GRAFANA_RULES: SecretRule[] = [
  prefixRule(
    "grafana-cloud-token",
    "Grafana Cloud token",
    ["glc_"],
    `${B}glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])`,
  ),
  prefixRule(
    "grafana-service-account-token",
    "Grafana service account token",
    ["glsa_"],
    `${B}glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}${E}`,
  ),
  // Shares the JWT rule's anchor: another literal would slow the prefilter.
  defineRule({
    id: "grafana-api-key",
    title: "Grafana API key (legacy)",
    anchors: ["eyJ"],
    anchorBefore: B,
    anchorAfter: "[A-Za-z0-9_-]{5}",
    // Base64 of ASCII JSON without `>?~` has no `+` or `/`: a `/` after it ends it.
    pattern: `${B}eyJrIjoi[A-Za-z0-9]{60,400}={0,2}(?![A-Za-z0-9=])`,
    validate: grafanaKeyJson,
  }),
];

export const OBSERVABILITY_RULES: SecretRule[] = [
  contextRule(
    "datadog-api-key",
    "Datadog API or application key",
    "(?:dd|datadog)[_-]?(?:api|app(?:lication)?)[_-]?key",
    "[a-f0-9]{40}|[a-f0-9]{32}",
  ),
  ...NEW_RELIC_RULES,
  prefixRule(
    "sentry-auth-token",
    "Sentry auth token",
    ["sntrys_", "sntryu_"],
    `${B}(?:sntrys_[A-Za-z0-9+/=_-]{60,400}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=_-])`,
  ),
  ...GRAFANA_RULES,
  prefixRule(
    "dynatrace-api-token",
    "Dynatrace API token",
    ["dt0c01."],
    `${B}dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}${E}`,
  ),
  contextRule(
    "sumologic-access-key",
    "Sumo Logic access key",
    "sumo(?:[_-]?logic)?[_-]?access[_-]?key",
    "[A-Za-z0-9]{64}",
    (m) => characterClasses(m[1]) >= 2,
  ),
];
