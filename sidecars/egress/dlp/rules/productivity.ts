import { decodeBase64 } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

/** Mapbox tokens are `sk.` + base64url JSON naming the user (`{"u":"…","a":"…"}`) + `.` + … */
function mapboxPayload(m: RegExpExecArray): boolean {
  try {
    const parsed: unknown = JSON.parse(decodeBase64(m[1]) ?? "");
    return typeof parsed === "object" && parsed !== null &&
      typeof (parsed as Record<string, unknown>).u === "string";
  } catch {
    return false;
  }
}

const WORKSPACE_RULES: SecretRule[] = [
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
  // "pat" + 14 + "." + 64 hex, anchored on the dot.
  defineRule({
    id: "airtable-pat",
    title: "Airtable personal access token",
    anchors: ["."],
    anchorBefore: "pat[A-Za-z0-9]{14}",
    pattern: `(?<=${B}(pat[A-Za-z0-9]{14}))\\.[a-f0-9]{64}${E}`,
    secret: (m) => m[1] + m[0],
  }),
  // "2/<user id>/<app id>:<32 hex>", anchored on the colon (the same check after it as
  // Twilio's `SID:secret`, so the prefilter shares it).
  defineRule({
    id: "asana-pat",
    title: "Asana personal access token",
    anchors: [":"],
    anchorBefore: "[0-9]{16}",
    anchorAfter: "[A-Za-z0-9]{32}",
    pattern: `(?<=(?<![0-9])([0-9]/[0-9]{16,20}(?:/[0-9]{16,20})?)):[a-f0-9]{32}${E}`,
    secret: (m) => m[1] + m[0],
  }),
  prefixRule(
    "contentful-pat",
    "Contentful personal access token",
    ["CFPAT-"],
    `${B}CFPAT-[A-Za-z0-9_-]{43}${EU}`,
  ),
  prefixRule(
    "readme-api-key",
    "ReadMe API key",
    ["rdme_"],
    `${B}rdme_[a-z0-9]{70}${E}`,
  ),
];

const DESIGN_AND_FORMS_RULES: SecretRule[] = [
  prefixRule(
    "figma-pat",
    "Figma personal access token",
    ["figd_"],
    `${B}figd_[A-Za-z0-9_-]{38,50}${EU}`,
    (m) => characterClasses(m[0].slice(5)) >= 2,
  ),
  prefixRule(
    "typeform-token",
    "Typeform personal access token",
    ["tfp_"],
    `${B}tfp_[A-Za-z0-9_.=-]{40,59}(?![A-Za-z0-9_.=-])`,
    (m) => characterClasses(m[0].slice(4)) >= 3,
  ),
  prefixRule(
    "frameio-token",
    "Frame.io API token",
    ["fio-u-"],
    `${B}fio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])`,
  ),
  // Anchored on "eyJ" with the JWT rule: another anchor would slow the prefilter.
  defineRule({
    id: "mapbox-secret-token",
    title: "Mapbox secret access token",
    anchors: ["eyJ"],
    anchorBefore: B,
    anchorAfter: "[A-Za-z0-9_-]{5}",
    pattern: `(?<=${B}sk\\.)(eyJ[A-Za-z0-9_-]{10,300})\\.[A-Za-z0-9_-]{20,40}${EU}`,
    validate: mapboxPayload,
    secret: (m) => "sk." + m[0],
  }),
];

export const PRODUCTIVITY_RULES: SecretRule[] = [...WORKSPACE_RULES, ...DESIGN_AND_FORMS_RULES];
