import { decodeBase64 } from "../checksum.ts";
import { characterClasses } from "../entropy.ts";
import { B, BU, contextRule, defineRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const SLACK_RULES: SecretRule[] = [
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
  // Configuration tokens are anchored on the "xoxp-" / "xoxb-" after "xoxe.", like the
  // user and bot tokens: one prefilter anchor each.
  defineRule({
    id: "slack-config-token",
    title: "Slack configuration access token",
    anchors: ["xoxp-", "xoxb-"],
    pattern: `(?<=${B}xoxe\\.)xox[bp]-[0-9]-[A-Za-z0-9]{150,180}${E}`,
    secret: (m) => "xoxe." + m[0],
  }),
  prefixRule(
    "slack-config-token",
    "Slack configuration refresh token",
    ["xoxe-"],
    `${B}xoxe-[0-9]-[A-Za-z0-9]{140,160}${E}`,
  ),
  prefixRule(
    "slack-legacy-token",
    "Slack legacy, workspace or refresh token",
    ["xoxa-", "xoxr-", "xoxs-", "xoxo-"],
    `${B}xox[aors]-(?:[0-9]{1,2}-)?[0-9]{8,14}-[A-Za-z0-9-]{8,200}${E}`,
  ),
  prefixRule(
    "slack-webhook-url",
    "Slack incoming webhook URL",
    ["hooks.slack.com/"],
    "hooks\\.slack\\.com/(?:services|workflows|triggers)/(T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/" +
      `[A-Za-z0-9]{24,32})${E}`,
    undefined,
    (m) => m[1],
  ),
];

const DISCORD_AND_TELEGRAM_RULES: SecretRule[] = [
  defineRule({
    id: "discord-bot-token",
    title: "Discord bot token",
    anchors: ["."],
    anchorBefore: `${BU}[MNO][A-Za-z0-9_-]{23,25}`,
    anchorAfter: "[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27}",
    pattern: `(?<=${BU}([MNO][A-Za-z0-9_-]{23,25}))\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}${EU}`,
    validate: (m) => /^[0-9]{17,20}$/.test(decodeBase64(m[1]) ?? ""),
    secret: (m) => m[1] + m[0],
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
  contextRule(
    "twitch-token",
    "Twitch client secret or access token",
    "twitch[_-]?(?:client[_-]?secret|(?:oauth|access|api|app)[_-]?token)",
    "[a-z0-9]{30}",
    (m) => /[a-z]/.test(m[1]) && /[0-9]/.test(m[1]),
  ),
];

/**
 * An API key's SID (`SK…`) and an account SID (`AC…`) are identifiers: the secret is what
 * goes with them, as the password of `SID:secret` or assigned to a key.
 */
const TWILIO_RULES: SecretRule[] = [
  defineRule({
    id: "twilio-api-key",
    title: "Twilio API key secret",
    anchors: [":"],
    anchorBefore: "SK[0-9a-f]{32}",
    anchorAfter: "[A-Za-z0-9]{32}",
    pattern: `(?<=${B}SK[0-9a-f]{32}):([A-Za-z0-9]{32})${E}`,
    validate: (m) => characterClasses(m[1]) >= 2,
    secret: (m) => m[1],
  }),
  contextRule(
    "twilio-api-key",
    "Twilio API key secret",
    "twilio[_-]?api[_-]?(?:key[_-]?)?secret",
    "[A-Za-z0-9]{32}",
    (m) => characterClasses(m[1]) >= 2,
  ),
  defineRule({
    id: "twilio-credentials",
    title: "Twilio account SID with auth token",
    anchors: [":"],
    anchorBefore: "AC[0-9a-f]{32}",
    anchorAfter: "[A-Za-z0-9]{32}",
    pattern: `(?<=${B}AC[0-9a-f]{32}):([0-9a-f]{32})${E}`,
    secret: (m) => m[1],
  }),
  contextRule(
    "twilio-credentials",
    "Twilio auth token",
    "twilio[_-]?(?:auth[_-]?)?(?:token|secret)",
    "[0-9a-f]{32}",
  ),
];

export const CHAT_RULES: SecretRule[] = [
  ...SLACK_RULES,
  ...DISCORD_AND_TELEGRAM_RULES,
  ...TWILIO_RULES,
];
