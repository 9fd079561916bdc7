import { characterClasses } from "../entropy.ts";
import { B, E, EU, prefixRule, type SecretRule } from "./rule.ts";

/** CI, build, code-intelligence and workflow services. */
export const CI_RULES: SecretRule[] = [
  prefixRule(
    "circleci-token",
    "CircleCI personal API token",
    ["CCIPAT_"],
    `${B}CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}${E}`,
  ),
  prefixRule(
    "buildkite-token",
    "Buildkite API access token",
    ["bkua_"],
    `${B}bkua_[a-f0-9]{40}${E}`,
  ),
  prefixRule(
    "harness-token",
    "Harness personal or service access token",
    ["pat.", "sat."],
    `${B}(?:pat|sat)\\.[A-Za-z0-9_-]{22}\\.[0-9a-f]{24}\\.[A-Za-z0-9]{20}${E}`,
  ),
  prefixRule(
    "infracost-api-key",
    "Infracost API key",
    ["ico-"],
    `${B}ico-[A-Za-z0-9]{32}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 3,
  ),
  prefixRule(
    "sourcegraph-token",
    "Sourcegraph access token",
    ["sgp_"],
    `${B}sgp_(?:(?:[a-f0-9]{16}|local)_)?[a-f0-9]{40}${E}`,
  ),
  prefixRule(
    "prefect-api-key",
    "Prefect API key",
    ["pnu_"],
    `${B}pnu_[A-Za-z0-9]{36}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
  prefixRule(
    "posthog-personal-api-key",
    "PostHog personal API key",
    ["phx_"],
    `${B}phx_[A-Za-z0-9_]{43,48}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 3,
  ),
  prefixRule(
    "postman-api-key",
    "Postman API key",
    ["PMAK-"],
    `${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`,
  ),
  prefixRule(
    "apify-api-token",
    "Apify API token",
    ["apify_api_"],
    `${B}apify_api_[A-Za-z0-9]{36}${EU}`,
  ),
];
