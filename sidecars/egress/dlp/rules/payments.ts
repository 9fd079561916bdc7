import { B, E, EU, prefixRule, type SecretRule } from "./rule.ts";

/**
 * Live-mode keys only: test-mode keys (`sk_test_`, `EZTK`, `FLWSECK_TEST-`) reach no money
 * and no live customer data, and are pasted into tests and tutorials everywhere.
 */
export const PAYMENT_RULES: SecretRule[] = [
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
  prefixRule(
    "flutterwave-secret-key",
    "Flutterwave live secret key",
    ["FLWSECK-"],
    `${B}FLWSECK-[0-9a-f]{32}-X${E}`,
  ),
  prefixRule(
    "shippo-api-token",
    "Shippo live API token",
    ["shippo_live_"],
    `${B}shippo_live_[a-f0-9]{40}${E}`,
  ),
];
