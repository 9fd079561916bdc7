import { validBase62Crc } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, BU, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const GITHUB_CLASSIC: [string, string, string][] = [
  ["ghp_", "github-pat", "GitHub personal access token (classic)"],
  ["gho_", "github-oauth-token", "GitHub OAuth access token"],
  ["ghu_", "github-user-token", "GitHub user-to-server token"],
  ["ghs_", "github-app-token", "GitHub app installation token"],
  ["ghr_", "github-refresh-token", "GitHub refresh token"],
];

export const SOURCE_CONTROL_RULES: SecretRule[] = [
  ...GITHUB_CLASSIC.map(([prefix, id, title]) =>
    prefixRule(
      id,
      title,
      [prefix],
      `${B}${prefix}[A-Za-z0-9]{36}${E}`,
      (m) => validBase62Crc(m[0], prefix.length),
    )
  ),
  prefixRule(
    "github-fine-grained-pat",
    "GitHub fine-grained personal access token",
    ["github_pat_"],
    `${B}github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${E}`,
  ),
  prefixRule(
    "gitlab-pat",
    "GitLab personal access token",
    ["glpat-"],
    `${BU}glpat-[A-Za-z0-9_-]{20,80}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?${EU}`,
  ),
  prefixRule(
    "gitlab-runner-token",
    "GitLab runner authentication token",
    ["glrt-"],
    `${BU}glrt-[A-Za-z0-9_-]{20,80}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?${EU}`,
  ),
  prefixRule(
    "gitlab-deploy-token",
    "GitLab deploy token",
    ["gldt-"],
    `${BU}gldt-[A-Za-z0-9_-]{20,80}${EU}`,
  ),
  prefixRule(
    "gitlab-trigger-token",
    "GitLab pipeline trigger token",
    ["glptt-"],
    `${BU}glptt-[a-f0-9]{40}${E}`,
  ),
  prefixRule(
    "bitbucket-app-password",
    "Bitbucket app password",
    ["ATBB"],
    `${B}ATBB[A-Za-z0-9]{28,60}${E}`,
  ),
  contextRule(
    "bitbucket-app-password",
    "Bitbucket app password",
    "bitbucket[_-]?(?:app[_-]?)?(?:password|pass|token)",
    "[A-Za-z0-9]{20}",
    (m) => characterClasses(m[1]) >= 2,
  ),
  defineRule({
    id: "bitbucket-app-password",
    title: "Bitbucket app password",
    anchors: ["@bitbucket.org"],
    pattern: "(?<=://[A-Za-z0-9_.%-]{1,64}:([A-Za-z0-9]{20}))@bitbucket\\.org",
    validate: (m) => characterClasses(m[1]) >= 2,
  }),
];
