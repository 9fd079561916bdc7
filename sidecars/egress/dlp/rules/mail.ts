import { B, BU, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Random hex has both: this keeps out `0000…` and runs of one word. */
function mixedHex(hex: string): boolean {
  return /[a-f]/.test(hex) && /[0-9]/.test(hex);
}

export const MAIL_RULES: SecretRule[] = [
  prefixRule(
    "sendgrid-api-key",
    "SendGrid API key",
    ["SG."],
    `${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${EU}`,
  ),
  // "key-" is short and common: it must not follow another word (`cache-key-…`).
  defineRule({
    id: "mailgun-api-key",
    title: "Mailgun API key",
    anchors: ["key-"],
    anchorBefore: BU,
    anchorAfter: `[0-9a-f]{32}${E}`,
    pattern: `${BU}key-([0-9a-f]{32})${E}`,
    validate: (m) => mixedHex(m[1]),
  }),
  // The current format, `<32 hex>-<8 hex>-<8 hex>`, has no prefix: the anchor is its first
  // dash after 32 hex digits. (Nothing is required after it: anchors with nothing after the
  // pivot share one check in the prefilter.) A UUID or dashed git SHAs have other lengths.
  defineRule({
    id: "mailgun-api-key",
    title: "Mailgun API key",
    anchors: ["-"],
    anchorBefore: "[0-9a-f]{32}",
    pattern: `(?<=${BU}([0-9a-f]{32}))-[0-9a-f]{8}-[0-9a-f]{8}(?![A-Za-z0-9_-])`,
    validate: (m) => mixedHex(m[1]),
    secret: (m) => m[1] + m[0],
  }),
  defineRule({
    id: "mailchimp-api-key",
    title: "Mailchimp API key",
    anchors: ["-us"],
    anchorBefore: "[0-9a-f]{32}",
    anchorAfter: `[0-9]{1,2}${E}`,
    pattern: `(?<=${B}([0-9a-f]{32}))-us[0-9]{1,2}${E}`,
    secret: (m) => m[1] + m[0],
  }),
  prefixRule(
    "brevo-api-key",
    "Brevo (Sendinblue) API or SMTP key",
    ["xkeysib-", "xsmtpsib-"],
    `${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`,
  ),
  contextRule(
    "postmark-token",
    "Postmark server or account token",
    "postmark[_-]?(?:(?:server|account|api)[_-]?)?(?:token|key)",
    UUID,
  ),
];
