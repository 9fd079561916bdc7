import { decodeBase64 } from "../checksum.ts";
import { characterClasses, shannonEntropy } from "../entropy.ts";
import {
  B,
  caseless,
  contextRule,
  defineRule,
  E,
  EU,
  prefixRule,
  type SecretRule,
} from "./rule.ts";

/** True when base64 `text` decodes to something starting with `start`. */
function decodesTo(text: string, start: string): boolean {
  return decodeBase64(text.replace(/=+$/, ""))?.startsWith(start) ?? false;
}

const AWS_RULES: SecretRule[] = [
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
    (m) => shannonEntropy(m[1]) >= 4 && characterClasses(m[1]) >= 3 && !m[1].includes("EXAMPLE"),
  ),
  // Long-term keys: "ABSK" + base64("BedrockAPIKey-<id>:<secret>").
  prefixRule(
    "aws-bedrock-api-key",
    "Amazon Bedrock API key",
    ["ABSKQmVkcm9ja0FQSUtleS", "bedrock-api-key-"],
    `${B}(?:ABSK(QmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,400}={0,2})|` +
      `bedrock-api-key-([A-Za-z0-9+/]{100,3000}={0,2}))(?![A-Za-z0-9+/=])`,
    (m) =>
      m[1] !== undefined
        ? decodesTo(m[1], "BedrockAPIKey-")
        : decodesTo(m[2], "bedrock.amazonaws.com/"),
  ),
];

const GOOGLE_RULES: SecretRule[] = [
  prefixRule(
    "google-api-key",
    "Google API key (GCP / Google AI)",
    ["AIza"],
    `${B}AIza[0-9A-Za-z_-]{35}${EU}`,
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
    `${B}GOCSPX-[A-Za-z0-9_-]{28}${EU}`,
  ),
];

const AZURE_RULES: SecretRule[] = [
  defineRule({
    id: "azure-storage-account-key",
    title: "Azure storage account key",
    anchors: ["accountkey="],
    anchorCase: "insensitive",
    pattern: `${caseless("accountkey")}=([A-Za-z0-9+/]{86}==)`,
    secret: (m) => m[1],
  }),
  defineRule({
    id: "azure-shared-access-key",
    title: "Azure Service Bus / Event Hubs shared access key",
    anchors: ["sharedaccesskey="],
    anchorCase: "insensitive",
    pattern: `${caseless("sharedaccesskey")}=([A-Za-z0-9+/]{43}=)`,
    secret: (m) => m[1],
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
  // 84 characters with a fixed signature: Azure AI services, Azure OpenAI, Web PubSub,
  // Azure DevOps personal access tokens (issued since 2024).
  defineRule({
    id: "azure-api-key",
    title: "Azure API key or DevOps PAT (84-character format)",
    anchors: ["JQQJ99"],
    anchorBefore: "[A-Za-z0-9]{52}",
    anchorAfter: `[A-Za-z0-9]{26}${E}`,
    pattern: `(?<=${B}([A-Za-z0-9]{52}))JQQJ99[A-Za-z0-9]{26}${E}`,
    validate: (m) => characterClasses(m[1]) >= 3,
    secret: (m) => m[1] + m[0],
  }),
];

export const CLOUD_RULES: SecretRule[] = [
  ...AWS_RULES,
  ...GOOGLE_RULES,
  ...AZURE_RULES,
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
