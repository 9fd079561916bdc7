/**
 * Samples for service tokens: random bodies in each format's alphabet and length, in the
 * context their rule needs (`VERCEL_TOKEN=…`), never a real-looking committed secret.
 */
import { ALNUM, BASE64URL, DIGITS, HEX, LOWER, type Rng, UPPER } from "./random.ts";
import {
  b64,
  b64text,
  b64url,
  context,
  digits,
  type Generator,
  mixed,
  mixedHex,
  uuid,
} from "./sample_parts.ts";

function azureKey(r: Rng): string {
  const signature = r.pick(["ACOG", "AZDO", "AWPS", "ACOM"]);
  return mixed(r, ALNUM, 52) + "JQQJ99" + r.chars(UPPER, 2) + "AC" + r.chars(ALNUM, 5) +
    "XJ3w3AAA" + r.chars(UPPER, 1) + signature + r.chars(ALNUM, 4);
}

function bedrockKey(r: Rng): string {
  if (r.int(2)) {
    const inner = `BedrockAPIKey-${r.chars(LOWER + DIGITS, 4)}-at-${digits(r, 12)}:` +
      b64(r.bytes(30));
    return "ABSK" + b64text(inner);
  }
  const query = "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=" +
    `AWS4-HMAC-SHA256&X-Amz-Credential=ASIA${r.chars(UPPER + "234567", 16)}%2F20250101%2F` +
    `us-east-1%2Fbedrock%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=43200&` +
    `X-Amz-Security-Token=${encodeURIComponent(b64(r.bytes(300)))}&X-Amz-Signature=` +
    `${r.chars(HEX, 64)}&X-Amz-SignedHeaders=host&Version=1`;
  return "bedrock-api-key-" + b64text(query);
}

function onePasswordServiceAccount(r: Rng): string {
  const json = JSON.stringify({
    signInAddress: "my.1password.com",
    userAuth: {
      method: "SRPg-4096",
      alg: "PBES2g-HS256",
      iterations: 650000,
      salt: r.chars(BASE64URL, 22),
    },
    email: `${r.chars(LOWER, 12)}@1passwordserviceaccounts.com`,
    srpX: r.chars(HEX, 64),
    muk: { alg: "A256GCM", ext: true, k: r.chars(BASE64URL, 43), key_ops: ["encrypt", "decrypt"] },
    secretKey: `A3-${r.chars(UPPER + DIGITS, 6)}`,
    deviceUuid: r.chars(LOWER + DIGITS, 26),
  });
  return "ops_" + b64text(json).replace(/=+$/, "");
}

function onePasswordSecretKey(r: Rng): string {
  const g = (n: number): string => r.chars(UPPER + DIGITS, n);
  return `A3-${g(6)}-${g(6)}-${g(5)}-${g(5)}-${g(5)}-${g(5)}`;
}

function grafanaApiKey(r: Rng): string {
  const json = JSON.stringify({ k: r.chars(ALNUM, 32), n: `ci-${r.chars(LOWER, 6)}`, id: 1 });
  return b64text(json).replace(/=+$/, "");
}

function mapboxSecret(r: Rng): string {
  const payload = b64url(JSON.stringify({ u: r.chars(LOWER, 8), a: r.chars(LOWER + DIGITS, 25) }));
  return `sk.${payload}.${r.chars(BASE64URL, 22)}`;
}

function flyToken(r: Rng): string {
  return r.int(2)
    ? "fo1_" + r.chars(BASE64URL, 43)
    : `FlyV1 fm2_${b64(r.bytes(120 + r.int(300)))},fm2_${b64(r.bytes(90))}`;
}

const CLOUD_AND_HOSTING: Record<string, Generator> = {
  "aws-bedrock-api-key": bedrockKey,
  "azure-api-key": azureKey,
  "cloudflare-api-token": (r) =>
    r.int(2)
      ? r.pick(["cfut_", "cfat_"]) + r.chars(ALNUM, 40) + r.chars(HEX, 8)
      : context(r.pick(["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"]), mixed(r, BASE64URL, 40)),
  "cloudflare-global-api-key": (r) =>
    context(r.pick(["CLOUDFLARE_API_KEY", "CF_API_KEY"]), mixedHex(r, 37)),
  "cloudflare-origin-ca-key": (r) => `v1.0-${r.chars(HEX, 24)}-${r.chars(HEX, 146)}`,
  "vercel-token": (r) => context(r.pick(["VERCEL_TOKEN", "vercel_api_token"]), mixed(r, ALNUM, 24)),
  "netlify-token": (r) =>
    r.int(2)
      ? "nfp_" + r.chars(ALNUM, 36)
      : context("NETLIFY_AUTH_TOKEN", mixed(r, BASE64URL, 43), '"'),
  "flyio-token": flyToken,
  "render-api-key": (r) => "rnd_" + mixed(r, ALNUM, 32),
  "deno-deploy-token": (r) => r.pick(["ddp_", "ddw_"]) + mixed(r, ALNUM, 36),
  "tailscale-key": (r) =>
    `tskey-${r.pick(["auth", "api", "client"])}-k${r.chars(ALNUM, 11)}CNTRL-${r.chars(ALNUM, 33)}`,
  "openshift-token": (r) => "sha256~" + r.chars(BASE64URL, 43),
  "planetscale-token": (r) =>
    r.pick(["pscale_tkn_", "pscale_pw_", "pscale_oauth_"]) + mixed(r, ALNUM + "_", 43),
};

const SOURCE_AND_PACKAGES: Record<string, Generator> = {
  "gitlab-ci-job-token": (r) => `glcbt-${r.chars(ALNUM, 2)}_${r.chars(BASE64URL, 20)}`,
  "gitlab-incoming-mail-token": (r) => "glimt-" + r.chars(BASE64URL, 25),
  "gitlab-agent-token": (r) => "glagent-" + r.chars(BASE64URL, 50),
  "gitlab-oauth-app-secret": (r) => "gloas-" + r.chars(BASE64URL, 64),
  "gitlab-feed-token": (r) => "glft-" + r.chars(BASE64URL, 20),
  "gitlab-scim-token": (r) => "glsoat-" + r.chars(BASE64URL, 20),
  "gitlab-runner-registration-token": (r) => "GR1348941" + r.chars(BASE64URL, 20),
  "jfrog-token": (r) =>
    r.int(2) ? "AKCp" + mixed(r, ALNUM, 69) : "cmVmdGtuOjAxOj" + mixed(r, ALNUM, 50),
};

const AI_SERVICES: Record<string, Generator> = {
  "deepseek-api-key": (r) => context("DEEPSEEK_API_KEY", "sk-" + r.chars(HEX, 32)),
  "nvidia-api-key": (r) => "nvapi-" + r.chars(BASE64URL, 64),
  "elevenlabs-api-key": (r) => "sk_" + mixedHex(r, 48),
  "langsmith-api-key": (r) =>
    `lsv2_${r.pick(["pt", "sk"])}_${r.chars(HEX, 32)}_${r.chars(HEX, 10)}`,
  "langfuse-secret-key": (r) => "sk-lf-" + uuid(r),
  "pinecone-api-key": (r) => `pcsk_${r.chars(ALNUM, 6)}_${r.chars(ALNUM, 63)}`,
  "tavily-api-key": (r) => "tvly-" + r.pick(["", "dev-", "prod-"]) + mixed(r, ALNUM, 32),
};

const CHAT_MAIL_PAYMENTS: Record<string, Generator> = {
  "slack-config-token": (r) =>
    r.int(2)
      ? `xoxe.xox${r.pick(["p", "b"])}-1-${r.chars(UPPER + DIGITS, 163)}`
      : `xoxe-1-${r.chars(UPPER + DIGITS, 146)}`,
  "slack-legacy-token": (r) =>
    r.pick([
      `xoxa-2-${digits(r, 12)}-${digits(r, 12)}-${digits(r, 12)}-${r.chars(HEX, 64)}`,
      `xoxr-${digits(r, 12)}-${r.chars(ALNUM, 40)}`,
      `xoxs-${digits(r, 10)}-${digits(r, 11)}-${digits(r, 11)}-${r.chars(HEX, 64)}`,
    ]),
  "twitch-token": (r) =>
    context(
      r.pick(["TWITCH_CLIENT_SECRET", "twitch_oauth_token"]),
      r.chars(LOWER, 4) + r.chars(DIGITS, 2) + r.chars(LOWER + DIGITS, 24),
    ),
  "brevo-api-key": (r) =>
    `${r.pick(["xkeysib", "xsmtpsib"])}-${r.chars(HEX, 64)}-${mixed(r, ALNUM, 16)}`,
  "postmark-token": (r) =>
    context(r.pick(["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"]), uuid(r), '"'),
  "flutterwave-secret-key": (r) => `FLWSECK-${r.chars(HEX, 32)}-X`,
  "shippo-api-token": (r) => "shippo_live_" + r.chars(HEX, 40),
};

const DEVTOOLS: Record<string, Generator> = {
  "grafana-api-key": grafanaApiKey,
  "dynatrace-api-token": (r) =>
    `dt0c01.${r.chars(UPPER + DIGITS, 24)}.${r.chars(UPPER + DIGITS, 64)}`,
  "sumologic-access-key": (r) => context("SUMO_ACCESS_KEY", mixed(r, ALNUM, 64)),
  "onepassword-service-account-token": onePasswordServiceAccount,
  "onepassword-secret-key": onePasswordSecretKey,
  "okta-api-token": (r) => context("OKTA_API_TOKEN", "00" + mixed(r, BASE64URL, 40)),
  "launchdarkly-key": (r) =>
    context(r.pick(["LAUNCHDARKLY_SDK_KEY", "LD_SDK_KEY"]), `${r.pick(["sdk", "api"])}-${uuid(r)}`),
  "snyk-token": (r) => context("SNYK_TOKEN", uuid(r)),
  "circleci-token": (r) => `CCIPAT_${r.chars(ALNUM, 22)}_${r.chars(HEX, 40)}`,
  "buildkite-token": (r) => "bkua_" + r.chars(HEX, 40),
  "harness-token": (r) =>
    `${r.pick(["pat", "sat"])}.${r.chars(BASE64URL, 22)}.${r.chars(HEX, 24)}.${r.chars(ALNUM, 20)}`,
  "infracost-api-key": (r) => "ico-" + mixed(r, ALNUM, 32),
  "sourcegraph-token": (r) =>
    r.int(2) ? "sgp_" + r.chars(HEX, 40) : `sgp_${r.chars(HEX, 16)}_${r.chars(HEX, 40)}`,
  "prefect-api-key": (r) => "pnu_" + mixed(r, ALNUM, 36),
  "posthog-personal-api-key": (r) => "phx_" + mixed(r, ALNUM, 47),
  "apify-api-token": (r) => "apify_api_" + r.chars(ALNUM, 36),
  "airtable-pat": (r) => `pat${r.chars(ALNUM, 14)}.${r.chars(HEX, 64)}`,
  "asana-pat": (r) => `2/${digits(r, 16)}/${digits(r, 16)}:${r.chars(HEX, 32)}`,
  "contentful-pat": (r) => "CFPAT-" + r.chars(BASE64URL, 43),
  "readme-api-key": (r) => "rdme_" + r.chars(LOWER + DIGITS, 70),
  "figma-pat": (r) => "figd_" + mixed(r, BASE64URL, 40),
  "typeform-token": (r) => `tfp_${mixed(r, ALNUM, 44)}_${r.chars(ALNUM, 14)}`,
  "frameio-token": (r) => "fio-u-" + r.chars(BASE64URL, 64),
  "mapbox-secret-token": mapboxSecret,
};

export const SERVICE_SAMPLES: Record<string, Generator> = {
  ...CLOUD_AND_HOSTING,
  ...SOURCE_AND_PACKAGES,
  ...AI_SERVICES,
  ...CHAT_MAIL_PAYMENTS,
  ...DEVTOOLS,
};
