import { characterClasses, shannonEntropy } from "../entropy.ts";
import {
  B,
  BU,
  caseless,
  contextRule,
  defineRule,
  E,
  EU,
  prefixRule,
  type SecretRule,
} from "./rule.ts";

export const CLOUD_RULES: SecretRule[] = [
  defineRule({
    id: "aws-access-key-id",
    title: "AWS access key ID",
    anchors: ["AKIA", "ASIA", "ABIA", "ACCA"],
    anchorAfter: "[A-Z0-9]{16}",
    pattern: `${B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${E}`,
    validate: (m) => !m[0].endsWith("EXAMPLE"),
  }),
  contextRule(
    "aws-secret-access-key",
    "AWS secret access key",
    "aws[_-]?secret(?:[_-]?access)?(?:[_-]?key)?|secret[_-]?access[_-]?key",
    "[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
    (m) => shannonEntropy(m[1]) >= 4 && characterClasses(m[1]) >= 3,
  ),
  prefixRule(
    "google-api-key",
    "Google API key (GCP / Google AI)",
    ["AIza"],
    `${BU}AIza[0-9A-Za-z_-]{35}${EU}`,
  ),
  defineRule({
    id: "gcp-service-account-key",
    title: "GCP service-account key (JSON private_key)",
    anchors: ["private_key"],
    pattern: String
      .raw`private_key\\?["']\s{0,4}:\s{0,4}\\?["']-----BEGIN (?:RSA )?PRIVATE KEY-----`,
  }),
  prefixRule(
    "gcp-oauth-client-secret",
    "Google OAuth client secret",
    ["GOCSPX-"],
    `${BU}GOCSPX-[A-Za-z0-9_-]{28}${EU}`,
  ),
  defineRule({
    id: "azure-storage-account-key",
    title: "Azure storage account key",
    anchors: ["accountkey="],
    anchorCase: "insensitive",
    pattern: `${caseless("accountkey")}=[A-Za-z0-9+/]{86}==`,
  }),
  defineRule({
    id: "azure-shared-access-key",
    title: "Azure Service Bus / Event Hubs shared access key",
    anchors: ["sharedaccesskey="],
    anchorCase: "insensitive",
    pattern: `${caseless("sharedaccesskey")}=[A-Za-z0-9+/]{43}=`,
  }),
  defineRule({
    id: "azure-ad-client-secret",
    title: "Azure AD (Entra ID) client secret",
    anchors: ["Q~"],
    anchorBefore: "[0-9]",
    pattern: "(?<=(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9])Q~[A-Za-z0-9_~.-]{31,34}" +
      "(?![A-Za-z0-9_~.-])",
    validate: (m) => characterClasses(m[0]) >= 3,
  }),
  contextRule(
    "azure-ad-client-secret",
    "Azure AD (Entra ID) client secret",
    "(?:azure|arm|aad)[_-]?client[_-]?secret",
    "[A-Za-z0-9_~.-]{32,44}(?![A-Za-z0-9_~.-])",
    (m) => characterClasses(m[1]) >= 3,
  ),
  prefixRule(
    "digitalocean-token",
    "DigitalOcean token",
    ["dop_v1_", "doo_v1_", "dor_v1_"],
    `${B}do[opr]_v1_[a-f0-9]{64}${E}`,
  ),
  prefixRule(
    "alibaba-access-key-id",
    "Alibaba Cloud AccessKey ID",
    ["LTAI"],
    `${B}LTAI[A-Za-z0-9]{12,20}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
];
