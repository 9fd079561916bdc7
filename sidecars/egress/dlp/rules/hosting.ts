import { characterClasses } from "../entropy.ts";
import { B, contextRule, E, EU, prefixRule, type SecretRule } from "./rule.ts";

const CLOUDFLARE_RULES: SecretRule[] = [
  prefixRule(
    "cloudflare-api-token",
    "Cloudflare API token",
    ["cfut_", "cfat_"],
    `${B}cf[ua]t_[A-Za-z0-9]{40}[a-f0-9]{8}${E}`,
  ),
  contextRule(
    "cloudflare-api-token",
    "Cloudflare API token",
    "(?:cloudflare|cf)[_-]?api[_-]?token",
    "[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])",
    (m) => characterClasses(m[1]) >= 2,
  ),
  contextRule(
    "cloudflare-global-api-key",
    "Cloudflare global API key",
    "(?:cloudflare|cf)[_-]?(?:global[_-]?|auth[_-]?)?(?:api[_-]?)?key",
    "[a-f0-9]{37}",
    (m) => /[a-f]/.test(m[1]) && /[0-9]/.test(m[1]),
  ),
  prefixRule(
    "cloudflare-origin-ca-key",
    "Cloudflare Origin CA key",
    ["v1.0-"],
    `${B}v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}${E}`,
  ),
];

const DEPLOY_RULES: SecretRule[] = [
  contextRule(
    "vercel-token",
    "Vercel access token",
    "vercel[_-]?(?:(?:api|access|auth|cli)[_-]?)?token",
    "[A-Za-z0-9]{24}",
    (m) => characterClasses(m[1]) >= 2,
  ),
  prefixRule(
    "netlify-token",
    "Netlify access token",
    ["nfp_"],
    `${B}nfp_[A-Za-z0-9_]{36}${E}`,
  ),
  contextRule(
    "netlify-token",
    "Netlify access token",
    "netlify[_-]?(?:(?:auth|api|access)[_-]?)?token",
    "[A-Za-z0-9_-]{43,45}(?![A-Za-z0-9_-])",
    (m) => characterClasses(m[1]) >= 2,
  ),
  prefixRule(
    "flyio-token",
    "Fly.io access token",
    ["fo1_", "fm1a_", "fm1r_", "fm2_"],
    `${B}(?:fo1_[A-Za-z0-9_-]{43}${EU}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,1000}={0,3}` +
      "(?![A-Za-z0-9+/=]))",
  ),
  prefixRule(
    "render-api-key",
    "Render API key",
    ["rnd_"],
    `${B}rnd_[A-Za-z0-9]{32}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
  prefixRule(
    "deno-deploy-token",
    "Deno Deploy access token",
    ["ddp_", "ddw_"],
    `${B}dd[pw]_[A-Za-z0-9]{36}${E}`,
    (m) => characterClasses(m[0].slice(4)) >= 2,
  ),
  prefixRule(
    "tailscale-key",
    "Tailscale auth or API key",
    ["tskey-"],
    `${B}tskey-[a-z]{3,10}-[A-Za-z0-9]{6,30}-[A-Za-z0-9]{20,64}${E}`,
  ),
  prefixRule(
    "openshift-token",
    "OpenShift user token",
    ["sha256~"],
    `${B}sha256~[A-Za-z0-9_-]{43}${EU}`,
  ),
];

const DATABASE_RULES: SecretRule[] = [
  prefixRule(
    "planetscale-token",
    "PlanetScale token or password",
    ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    `${B}pscale_(?:tkn|pw|oauth)_([A-Za-z0-9_=.-]{32,64})(?![A-Za-z0-9_=.-])`,
    (m) => characterClasses(m[1]) >= 2,
  ),
  prefixRule(
    "supabase-token",
    "Supabase access token or secret key",
    ["sbp_", "sb_secret_"],
    `${B}(?:sbp_[a-f0-9]{40}${E}|sb_secret_[A-Za-z0-9_-]{24,64}${EU})`,
  ),
];

export const HOSTING_RULES: SecretRule[] = [
  ...CLOUDFLARE_RULES,
  ...DEPLOY_RULES,
  ...DATABASE_RULES,
];
