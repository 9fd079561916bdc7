import { characterClasses } from "../entropy.ts";
import { B, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

const OBSERVABILITY_RULES: SecretRule[] = [
  contextRule(
    "datadog-api-key",
    "Datadog API or application key",
    "(?:dd|datadog)[_-]?(?:api|app(?:lication)?)[_-]?key",
    "[a-f0-9]{40}|[a-f0-9]{32}",
  ),
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
    pattern: `(?<=${B}[a-f0-9]{36})NRAL${E}`,
  }),
  defineRule({
    id: "sentry-dsn",
    title: "Sentry DSN",
    anchors: ["sentry.io/"],
    anchorBefore: "@(?:[a-z0-9-]{1,40}\\.){0,4}",
    pattern: "(?<=https?://[0-9a-f]{32}(?::[0-9a-f]{32})?@(?:[a-z0-9-]{1,40}\\.){0,4})" +
      `sentry\\.io/[0-9]{1,12}${E}`,
  }),
  prefixRule(
    "sentry-auth-token",
    "Sentry auth token",
    ["sntrys_", "sntryu_"],
    `${B}(?:sntrys_[A-Za-z0-9+/=_-]{60,400}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=_-])`,
  ),
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
];

const PLATFORM_RULES: SecretRule[] = [
  prefixRule("heroku-api-key", "Heroku API key", ["HRKU-"], `${B}HRKU-[A-Za-z0-9_-]{40,80}${EU}`),
  contextRule("heroku-api-key", "Heroku API key", "heroku[_-]?(?:api[_-]?)?(?:key|token)", UUID),
  prefixRule(
    "atlassian-api-token",
    "Atlassian API token",
    ["ATATT3"],
    `${B}ATATT3[A-Za-z0-9_=-]{150,260}(?![A-Za-z0-9_=-])`,
  ),
  prefixRule("linear-api-key", "Linear API key", ["lin_api_"], `${B}lin_api_[A-Za-z0-9]{40}${E}`),
  prefixRule(
    "notion-token",
    "Notion integration token",
    ["secret_", "ntn_"],
    `${B}(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})${E}`,
    (m) => characterClasses(m[0].slice(m[0].indexOf("_") + 1)) >= 2,
  ),
  prefixRule(
    "postman-api-key",
    "Postman API key",
    ["PMAK-"],
    `${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`,
  ),
  prefixRule(
    "vault-service-token",
    "HashiCorp Vault service token",
    ["hvs."],
    `${B}hvs\\.[A-Za-z0-9_-]{24,300}${EU}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
  prefixRule(
    "vault-batch-token",
    "HashiCorp Vault batch token",
    ["hvb."],
    `${B}hvb\\.[A-Za-z0-9_-]{24,300}${EU}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
  defineRule({
    id: "terraform-cloud-token",
    title: "Terraform Cloud / HCP Terraform token",
    anchors: [".atlasv1."],
    anchorBefore: "[A-Za-z0-9]{14}",
    pattern: `(?<=${B}[A-Za-z0-9]{14})\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])`,
  }),
  prefixRule(
    "databricks-token",
    "Databricks access token",
    ["dapi"],
    `${B}dapi[a-f0-9]{32}(?:-[0-9])?${E}`,
  ),
  prefixRule(
    "doppler-token",
    "Doppler token",
    ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    `${B}dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}${E}`,
  ),
  prefixRule("supabase-token", "Supabase access token", ["sbp_"], `${B}sbp_[a-f0-9]{40}${E}`),
];

export const DEVTOOLS_RULES: SecretRule[] = [...OBSERVABILITY_RULES, ...PLATFORM_RULES];
