import { decodeBase64 } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const SECRETS_MANAGER_RULES: SecretRule[] = [
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
  prefixRule(
    "doppler-token",
    "Doppler token",
    ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    `${B}dp\\.(?:pt|st(?:\\.[a-z0-9_-]{2,35})?|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}${E}`,
  ),
  // Service-account tokens are "ops_" + base64 JSON.
  prefixRule(
    "onepassword-service-account-token",
    "1Password service account token",
    ["ops_eyJ"],
    `${B}ops_(eyJ[A-Za-z0-9+/]{250,1500}={0,3})(?![A-Za-z0-9+/=])`,
    (m) => decodeBase64(m[1].replace(/=+$/, ""))?.startsWith('{"') ?? false,
  ),
  prefixRule(
    "onepassword-secret-key",
    "1Password account secret key",
    ["A3-"],
    `${B}A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-` +
      `[A-Z0-9]{5}${E}`,
    (m) => /[0-9]/.test(m[0].slice(3)) && /[A-Z]/.test(m[0].slice(3)),
  ),
];

const PLATFORM_RULES: SecretRule[] = [
  prefixRule("heroku-api-key", "Heroku API key", ["HRKU-"], `${B}HRKU-[A-Za-z0-9_-]{40,80}${EU}`),
  contextRule("heroku-api-key", "Heroku API key", "heroku[_-]?(?:api[_-]?)?(?:key|token)", UUID),
  defineRule({
    id: "terraform-cloud-token",
    title: "Terraform Cloud / HCP Terraform token",
    anchors: [".atlasv1."],
    anchorBefore: "[A-Za-z0-9]{14}",
    pattern: `(?<=${B}([A-Za-z0-9]{14}))\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}(?![A-Za-z0-9_=-])`,
    secret: (m) => m[1] + m[0],
  }),
  prefixRule(
    "databricks-token",
    "Databricks access token",
    ["dapi"],
    `${B}dapi[a-f0-9]{32}(?:-[0-9])?${E}`,
  ),
  contextRule(
    "okta-api-token",
    "Okta API token",
    "okta[_-]?(?:api[_-]?|access[_-]?|ssws[_-]?)?(?:token|key)",
    "00[A-Za-z0-9_-]{40}",
    (m) => characterClasses(m[1]) >= 3,
  ),
  contextRule(
    "launchdarkly-key",
    "LaunchDarkly SDK key or access token",
    "(?:launch[_-]?darkly|ld)[_-]?(?:(?:sdk|api|access|server)[_-]?)?(?:key|token)",
    `(?:sdk|api)-${UUID}`,
  ),
  contextRule(
    "snyk-token",
    "Snyk API token",
    "snyk[_-]?(?:(?:api|auth|oauth)[_-]?)?(?:token|key)",
    UUID,
  ),
];

export const DEVTOOLS_RULES: SecretRule[] = [...SECRETS_MANAGER_RULES, ...PLATFORM_RULES];
