/**
 * Positive samples for every rule, generated from random parts (checksums computed), so no
 * real-looking secret is committed. Each sample is the secret in its natural context
 * (`MISTRAL_API_KEY="…"` for rules that need a key) and the secret value itself, which no
 * finding may contain.
 */
import { bech32Checksum } from "../checksum.ts";
import { plausibleSecretAssignment } from "../rules/generic.ts";
import { ALNUM, BASE64URL, DIGITS, HEX, LOWER, type Rng, UPPER } from "./random.ts";
import {
  b64,
  b64url,
  BASE64,
  checksummed,
  context,
  digits,
  type Generator,
  mixed,
  pem,
  type Sample,
  uuid,
} from "./sample_parts.ts";
import { SERVICE_SAMPLES } from "./samples_services.ts";
import { URL_CREDENTIAL_SAMPLES } from "./samples_url.ts";

export type { Sample } from "./sample_parts.ts";

function jwt(r: Rng): string {
  const alg = r.pick(["HS256", "RS256", "ES256", "EdDSA"]);
  const header = JSON.stringify(r.int(2) ? { alg, typ: "JWT" } : { kid: r.chars(HEX, 8), alg });
  const payload = JSON.stringify({ sub: r.chars(ALNUM, 12), iat: 1700000000 + r.int(1e6) });
  return `${b64url(header)}.${b64url(payload)}.${r.chars(BASE64URL, 43)}`;
}

function ageKey(r: Rng): string {
  const data = r.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 52);
  return `AGE-SECRET-KEY-1${data}${bech32Checksum("age-secret-key-", data)}`.toUpperCase();
}

function discordBot(r: Rng): string {
  const id = digits(r, 18 + r.int(2));
  return `${b64url(id)}.${r.chars(BASE64URL, 6)}.${r.chars(BASE64URL, 27 + r.int(12))}`;
}

function genericValue(r: Rng): string {
  for (;;) {
    const v = mixed(r, ALNUM + "!@#%^*_-", 12 + r.int(20));
    if (plausibleSecretAssignment("password", v)) return v;
  }
}

const CORE_SAMPLES: Record<string, Generator> = {
  "aws-access-key-id": (r) => r.pick(["AKIA", "ASIA"]) + r.chars(UPPER + "234567", 16),
  "aws-secret-access-key": (r) =>
    context(r.pick(["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"]), mixed(r, BASE64, 40)),
  "google-api-key": (r) => "AIza" + r.chars(ALNUM + "-_", 35),
  "gcp-service-account-key": (r) => ({
    text: JSON.stringify({
      type: "service_account",
      private_key_id: r.chars(HEX, 40),
      private_key: pem(r, "PRIVATE KEY"),
    }),
    secret: "",
  }),
  "gcp-oauth-client-secret": (r) => "GOCSPX-" + r.chars(ALNUM + "-_", 28),
  "azure-storage-account-key": (r) => {
    const key = b64(r.bytes(64));
    return {
      text: `DefaultEndpointsProtocol=https;AccountName=acct${r.int(999)};AccountKey=${key};` +
        "EndpointSuffix=core.windows.net",
      secret: key,
    };
  },
  "azure-shared-access-key": (r) => {
    const key = b64(r.bytes(32));
    return {
      text: "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;" +
        `SharedAccessKey=${key}`,
      secret: key,
    };
  },
  "azure-ad-client-secret": (r) =>
    r.int(2)
      ? mixed(r, ALNUM, 3) + r.chars(DIGITS, 1) + "Q~" + mixed(r, ALNUM + "_~.-", 34)
      : context("AZURE_CLIENT_SECRET", mixed(r, ALNUM + "_~.-", 40)),
  "digitalocean-token": (r) => r.pick(["dop", "doo", "dor"]) + "_v1_" + r.chars(HEX, 64),
  "alibaba-access-key-id": (r) => "LTAI" + mixed(r, ALNUM, 20),
  "github-pat": (r) => checksummed(r, "ghp_"),
  "github-oauth-token": (r) => checksummed(r, "gho_"),
  "github-user-token": (r) => checksummed(r, "ghu_"),
  "github-app-token": (r) => checksummed(r, "ghs_"),
  "github-refresh-token": (r) => checksummed(r, "ghr_"),
  "github-fine-grained-pat": (r) => `github_pat_${r.chars(ALNUM, 22)}_${r.chars(ALNUM, 59)}`,
  "gitlab-pat": (r) => "glpat-" + r.chars(ALNUM + "-_", 20),
  "gitlab-runner-token": (r) => "glrt-" + r.chars(ALNUM + "-_", 20 + r.int(10)),
  "gitlab-deploy-token": (r) => "gldt-" + r.chars(ALNUM + "-_", 20),
  "gitlab-trigger-token": (r) => "glptt-" + r.chars(HEX, 40),
  "bitbucket-app-password": (r) => {
    const password = mixed(r, ALNUM, 20);
    return r.pick([
      { text: "ATBB" + password + mixed(r, ALNUM, 12), secret: password },
      context("BITBUCKET_APP_PASSWORD", password),
      { text: `https://dev:${password}@bitbucket.org/team/repo.git`, secret: password },
    ]);
  },
  "npm-access-token": (r) => checksummed(r, "npm_"),
  "pypi-api-token": (r) =>
    r.pick(["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"]) +
    r.chars(BASE64URL, 60 + r.int(100)),
  "rubygems-api-key": (r) => "rubygems_" + r.chars(HEX, 48),
  "nuget-api-key": (r) => "oy2" + r.chars(LOWER + DIGITS, 43),
  "dockerhub-token": (r) => r.pick(["dckr_pat_", "dckr_oat_"]) + r.chars(ALNUM + "-_", 27),
  "pulumi-access-token": (r) => "pul-" + r.chars(HEX, 40),
  "anthropic-api-key": (r) => "sk-ant-api03-" + r.chars(BASE64URL, 93) + "AA",
  "anthropic-admin-key": (r) => "sk-ant-admin01-" + r.chars(BASE64URL, 93) + "AA",
  "openai-api-key": (r) =>
    r.pick([
      "sk-proj-" + r.chars(BASE64URL, 74) + "T3BlbkFJ" + r.chars(BASE64URL, 74),
      "sk-" + r.chars(ALNUM, 20) + "T3BlbkFJ" + r.chars(ALNUM, 20),
      "sk-svcacct-" + r.chars(BASE64URL, 60) + "T3BlbkFJ" + r.chars(BASE64URL, 60),
      "sk-admin-" + r.chars(BASE64URL, 58) + "T3BlbkFJ" + r.chars(BASE64URL, 58),
    ]),
  "cohere-api-key": (r) => context(r.pick(["COHERE_API_KEY", "CO_API_KEY"]), mixed(r, ALNUM, 40)),
  "mistral-api-key": (r) => context("MISTRAL_API_KEY", mixed(r, ALNUM, 32), '"'),
  "groq-api-key": (r) => "gsk_" + r.chars(ALNUM, 52),
  "huggingface-token": (r) => r.pick(["hf_", "api_org_"]) + mixed(r, ALNUM, 34),
  "replicate-api-token": (r) => "r8_" + r.chars(ALNUM, 37),
  "perplexity-api-key": (r) => "pplx-" + r.chars(ALNUM, 48),
  "xai-api-key": (r) => "xai-" + r.chars(ALNUM, 80),
  "openrouter-api-key": (r) => "sk-or-v1-" + r.chars(HEX, 64),
  "slack-bot-token": (r) => `xoxb-${digits(r, 11)}-${digits(r, 12)}-${r.chars(ALNUM, 24)}`,
  "slack-user-token": (r) =>
    `xoxp-${digits(r, 11)}-${digits(r, 12)}-${digits(r, 12)}-${r.chars(HEX, 32)}`,
  "slack-app-token": (r) =>
    `xapp-1-${r.chars(UPPER + DIGITS, 11)}-${digits(r, 13)}-${r.chars(HEX, 64)}`,
  "slack-webhook-url": (r) =>
    `https://hooks.slack.com/services/T${r.chars(UPPER + DIGITS, 8)}/B${
      r.chars(UPPER + DIGITS, 10)
    }/${r.chars(ALNUM, 24)}`,
  "discord-bot-token": discordBot,
  "discord-webhook-url": (r) =>
    `https://discord.com/api/webhooks/${digits(r, 18)}/${r.chars(BASE64URL, 68)}`,
  "telegram-bot-token": (r) => `${digits(r, 9 + r.int(2))}:AA${r.chars(BASE64URL, 33)}`,
  "twilio-api-key": (r) => {
    const secret = mixed(r, ALNUM, 32);
    return r.pick([
      { text: `SK${r.chars(HEX, 32)}:${secret}`, secret },
      context("TWILIO_API_SECRET", secret),
    ]);
  },
  "twilio-credentials": (r) => {
    const token = r.chars(HEX, 32);
    return r.pick([
      { text: `AC${r.chars(HEX, 32)}:${token}`, secret: token },
      context("TWILIO_AUTH_TOKEN", token),
    ]);
  },
  "sendgrid-api-key": (r) => `SG.${r.chars(BASE64URL, 22)}.${r.chars(BASE64URL, 43)}`,
  "mailgun-api-key": (r) =>
    r.int(2)
      ? "key-" + r.chars("0123456789", 4) + r.chars("abcdef", 2) + r.chars(HEX, 26)
      : `${r.chars("0123456789", 2)}${r.chars("abcdef", 2)}${r.chars(HEX, 28)}-${r.chars(HEX, 8)}-${
        r.chars(HEX, 8)
      }`,
  "mailchimp-api-key": (r) => `${r.chars(HEX, 32)}-us${1 + r.int(20)}`,
  "stripe-secret-key": (r) => "sk_live_" + r.chars(ALNUM, 24 + r.int(76)),
  "stripe-restricted-key": (r) => "rk_live_" + r.chars(ALNUM, 24 + r.int(76)),
  "stripe-webhook-secret": (r) => "whsec_" + r.chars(ALNUM, 32),
  "square-access-token": (r) => "sq0atp-" + r.chars(ALNUM + "-_", 22),
  "square-oauth-secret": (r) => "sq0csp-" + r.chars(ALNUM + "-_", 43),
  "braintree-access-token": (r) =>
    `access_token$production$${r.chars(LOWER + DIGITS, 16)}$${r.chars(HEX, 32)}`,
  "shopify-access-token": (r) => r.pick(["shpat_", "shpca_", "shppa_"]) + r.chars(HEX, 32),
  "shopify-shared-secret": (r) => "shpss_" + r.chars(HEX, 32),
  "private-key-rsa": (r) =>
    r.int(2) ? pem(r, "RSA PRIVATE KEY") : pem(
      r,
      "RSA PRIVATE KEY",
      `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${r.chars(HEX, 32).toUpperCase()}\n\n`,
    ),
  "private-key-ec": (r) => pem(r, "EC PRIVATE KEY"),
  "private-key-dsa": (r) => pem(r, "DSA PRIVATE KEY"),
  "private-key-openssh": (r) => pem(r, "OPENSSH PRIVATE KEY"),
  "private-key-pkcs8": (r) => pem(r, "PRIVATE KEY"),
  "private-key-encrypted": (r) => pem(r, "ENCRYPTED PRIVATE KEY"),
  "private-key-pgp": (r) =>
    pem(r, "PGP PRIVATE KEY BLOCK", r.int(2) ? "Version: GnuPG v2\n\n" : "\n"),
  "jwt": jwt,
  "age-secret-key": ageKey,
  "datadog-api-key": (r) =>
    r.int(2)
      ? context("DD_API_KEY", r.chars(HEX, 32))
      : context("datadog_app_key", r.chars(HEX, 40), '"'),
  "newrelic-user-api-key": (r) => "NRAK-" + r.chars(UPPER + DIGITS, 27),
  "newrelic-insert-key": (r) => "NRII-" + r.chars(BASE64URL, 32),
  "newrelic-license-key": (r) => r.chars(HEX, 36) + "NRAL",
  "sentry-auth-token": (r) =>
    r.int(2) ? "sntrys_" + b64(r.bytes(120)).replace(/=+$/, "") : "sntryu_" + r.chars(HEX, 64),
  "grafana-cloud-token": (r) => "glc_" + b64(r.bytes(60 + r.int(60))),
  "grafana-service-account-token": (r) => `glsa_${r.chars(ALNUM, 32)}_${r.chars(HEX, 8)}`,
  "heroku-api-key": (r) =>
    r.int(2) ? "HRKU-" + r.chars(BASE64URL, 60) : context("HEROKU_API_KEY", uuid(r)),
  "atlassian-api-token": (r) => "ATATT3" + r.chars(ALNUM + "_-", 178) + "=" + r.chars(HEX, 8),
  "linear-api-key": (r) => "lin_api_" + r.chars(ALNUM, 40),
  "notion-token": (r) =>
    r.int(2) ? "secret_" + mixed(r, ALNUM, 43) : `ntn_${digits(r, 11)}${mixed(r, ALNUM, 35)}`,
  "postman-api-key": (r) => `PMAK-${r.chars(HEX, 24)}-${r.chars(HEX, 34)}`,
  "vault-service-token": (r) => "hvs." + mixed(r, BASE64URL, 90),
  "vault-batch-token": (r) => "hvb." + mixed(r, BASE64URL, 130),
  "terraform-cloud-token": (r) => `${r.chars(ALNUM, 14)}.atlasv1.${r.chars(BASE64URL, 67)}`,
  "databricks-token": (r) => "dapi" + r.chars(HEX, 32),
  "doppler-token": (r) => r.pick(["dp.pt.", "dp.st.", "dp.sa.", "dp.st.prd."]) + r.chars(ALNUM, 43),
  "supabase-token": (r) =>
    r.int(2) ? "sbp_" + r.chars(HEX, 40) : "sb_secret_" + r.chars(BASE64URL, 31 + r.int(10)),
  "generic-secret-assignment": (r) => {
    const value = genericValue(r);
    const key = r.pick([
      "password",
      "DB_PASSWORD",
      "client_secret",
      "api_key",
      "apiKey",
      "auth_token",
    ]);
    return r.pick([
      context(key, value),
      { text: `"${key}": "${value}"`, secret: value },
      { text: `${key}: '${value}'`, secret: value },
    ]);
  },
};

export const SAMPLES: Record<string, Generator> = {
  ...CORE_SAMPLES,
  ...SERVICE_SAMPLES,
  ...URL_CREDENTIAL_SAMPLES,
};

/** A sample of `rule`; `secret` defaults to the whole text for bare tokens. */
export function sample(rule: string, r: Rng): Sample {
  const out = SAMPLES[rule](r);
  return typeof out === "string" ? { text: out, secret: out } : out;
}
