import { decodeBase64 } from "../checksum.ts";
import { B, BU, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const CHAT_RULES: SecretRule[] = [
  prefixRule(
    "slack-bot-token",
    "Slack bot token",
    ["xoxb-"],
    `${B}xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}${E}`,
  ),
  prefixRule(
    "slack-user-token",
    "Slack user token",
    ["xoxp-"],
    `${B}xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}${E}`,
  ),
  prefixRule(
    "slack-app-token",
    "Slack app-level token",
    ["xapp-"],
    `${B}xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[a-f0-9]{64}${E}`,
  ),
  prefixRule(
    "slack-webhook-url",
    "Slack incoming webhook URL",
    ["hooks.slack.com/"],
    "hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/" +
      `[A-Za-z0-9]{24,32}${E}`,
  ),
  defineRule({
    id: "discord-bot-token",
    title: "Discord bot token",
    anchors: ["."],
    anchorBefore: `${BU}[MNO][A-Za-z0-9_-]{23,25}`,
    anchorAfter: "[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27}",
    pattern: `(?<=${BU}([MNO][A-Za-z0-9_-]{23,25}))\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}${EU}`,
    validate: (m) => /^[0-9]{17,20}$/.test(decodeBase64(m[1]) ?? ""),
  }),
  prefixRule(
    "discord-webhook-url",
    "Discord webhook URL",
    ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
    `discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,70}${EU}`,
  ),
  defineRule({
    id: "telegram-bot-token",
    title: "Telegram bot token",
    anchors: [":AA"],
    anchorBefore: "[0-9]{8}",
    anchorAfter: "[A-Za-z0-9_-]{33}",
    pattern: `(?<=(?<![0-9])[0-9]{8,10}):AA[A-Za-z0-9_-]{33}${EU}`,
  }),
  defineRule({
    id: "twilio-api-key",
    title: "Twilio API key",
    anchors: ["SK"],
    anchorBefore: B,
    anchorAfter: `[0-9a-f]{32}${E}`,
    pattern: `${B}SK[0-9a-f]{32}${E}`,
  }),
  defineRule({
    id: "twilio-credentials",
    title: "Twilio account SID with auth token",
    anchors: [":"],
    anchorBefore: "(?:AC|SK)[0-9a-f]{32}",
    anchorAfter: "[0-9a-f]{32}",
    pattern: `(?<=${B}(?:AC|SK)[0-9a-f]{32}):[0-9a-f]{32}${E}`,
  }),
  contextRule(
    "twilio-credentials",
    "Twilio auth token",
    "twilio[_-]?(?:auth[_-]?)?(?:token|secret)",
    "[0-9a-f]{32}",
  ),
];

const MAIL_AND_PAYMENT_RULES: SecretRule[] = [
  prefixRule(
    "sendgrid-api-key",
    "SendGrid API key",
    ["SG."],
    `${BU}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${EU}`,
  ),
  defineRule({
    id: "mailgun-api-key",
    title: "Mailgun API key",
    anchors: ["key-"],
    anchorBefore: BU,
    anchorAfter: `[0-9a-f]{32}${E}`,
    pattern: `${BU}key-[0-9a-f]{32}${E}`,
    validate: (m) => /[a-f]/.test(m[0].slice(4)) && /[0-9]/.test(m[0]),
  }),
  defineRule({
    id: "mailchimp-api-key",
    title: "Mailchimp API key",
    anchors: ["-us"],
    anchorBefore: "[0-9a-f]{32}",
    anchorAfter: `[0-9]{1,2}${E}`,
    pattern: `(?<=${B}[0-9a-f]{32})-us[0-9]{1,2}${E}`,
  }),
  prefixRule(
    "stripe-secret-key",
    "Stripe live secret key",
    ["sk_live_"],
    `${B}sk_live_[A-Za-z0-9]{24,99}${E}`,
  ),
  prefixRule(
    "stripe-restricted-key",
    "Stripe live restricted key",
    ["rk_live_"],
    `${B}rk_live_[A-Za-z0-9]{24,99}${E}`,
  ),
  prefixRule(
    "stripe-webhook-secret",
    "Stripe webhook signing secret",
    ["whsec_"],
    `${B}whsec_[A-Za-z0-9+/=]{32,64}(?![A-Za-z0-9+/=])`,
  ),
  prefixRule(
    "square-access-token",
    "Square access token",
    ["sq0atp-"],
    `${B}sq0atp-[A-Za-z0-9_-]{22}${EU}`,
  ),
  prefixRule(
    "square-oauth-secret",
    "Square OAuth secret",
    ["sq0csp-"],
    `${B}sq0csp-[A-Za-z0-9_-]{43}${EU}`,
  ),
  prefixRule(
    "braintree-access-token",
    "PayPal Braintree access token",
    ["access_token$production$", "access_token$sandbox$"],
    `access_token\\$(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32}${E}`,
  ),
  prefixRule(
    "shopify-access-token",
    "Shopify access token",
    ["shpat_", "shpca_", "shppa_"],
    `${B}shp(?:at|ca|pa)_[a-fA-F0-9]{32}${E}`,
  ),
  prefixRule(
    "shopify-shared-secret",
    "Shopify shared secret",
    ["shpss_"],
    `${B}shpss_[a-fA-F0-9]{32}${E}`,
  ),
];

export const SAAS_RULES: SecretRule[] = [...CHAT_RULES, ...MAIL_AND_PAYMENT_RULES];
