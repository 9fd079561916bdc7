import { validBase62Crc } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const GITHUB_CLASSIC: [string, string, string][] = [
  ["ghp_", "github-pat", "GitHub personal access token (classic)"],
  ["gho_", "github-oauth-token", "GitHub OAuth access token"],
  ["ghu_", "github-user-token", "GitHub user-to-server token"],
  ["ghs_", "github-app-token", "GitHub app installation token"],
  ["ghr_", "github-refresh-token", "GitHub refresh token"],
];

/** GitLab tokens beyond the personal, runner and deploy tokens: [prefix, id, title, body]. */
const GITLAB_OTHER: [string, string, string, string][] = [
  ["glptt-", "gitlab-trigger-token", "GitLab pipeline trigger token", "[a-f0-9]{40}"],
  [
    "glcbt-",
    "gitlab-ci-job-token",
    "GitLab CI/CD job token",
    "[0-9a-zA-Z]{1,5}_[A-Za-z0-9_-]{20,80}",
  ],
  ["glimt-", "gitlab-incoming-mail-token", "GitLab incoming mail token", "[A-Za-z0-9_-]{25}"],
  ["glagent-", "gitlab-agent-token", "GitLab Kubernetes agent token", "[A-Za-z0-9_-]{50,80}"],
  ["gloas-", "gitlab-oauth-app-secret", "GitLab OAuth application secret", "[A-Za-z0-9_-]{64}"],
  ["glft-", "gitlab-feed-token", "GitLab feed token", "[A-Za-z0-9_-]{20,80}"],
  ["glsoat-", "gitlab-scim-token", "GitLab SCIM token", "[A-Za-z0-9_-]{20,80}"],
  ["GR1348941", "gitlab-runner-registration-token", "GitLab runner registration token", ""],
];

/** GitLab's optional routable suffix (`.01.abcdefghi`). */
const ROUTABLE = "(?:\\.[0-9a-z]{2}\\.[0-9a-z]{9})?";

const GITHUB_RULES: SecretRule[] = [
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
];

const GITLAB_RULES: SecretRule[] = [
  prefixRule(
    "gitlab-pat",
    "GitLab personal access token",
    ["glpat-"],
    `${B}glpat-[A-Za-z0-9_-]{20,80}${ROUTABLE}${EU}`,
  ),
  prefixRule(
    "gitlab-runner-token",
    "GitLab runner authentication token",
    ["glrt-"],
    `${B}glrt-[A-Za-z0-9_-]{20,80}${ROUTABLE}${EU}`,
  ),
  prefixRule(
    "gitlab-deploy-token",
    "GitLab deploy token",
    ["gldt-"],
    `${B}gldt-[A-Za-z0-9_-]{20,80}${EU}`,
  ),
  ...GITLAB_OTHER.map(([prefix, id, title, body]) =>
    body === ""
      ? prefixRule(id, title, [prefix], `${B}${prefix}[A-Za-z0-9_-]{20}${EU}`)
      : prefixRule(id, title, [prefix], `${B}${prefix}${body}${EU}`)
  ),
];

const BITBUCKET_RULES: SecretRule[] = [
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
    secret: (m) => m[1],
  }),
];

export const SOURCE_CONTROL_RULES: SecretRule[] = [
  ...GITHUB_RULES,
  ...GITLAB_RULES,
  ...BITBUCKET_RULES,
];
