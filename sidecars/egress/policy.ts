import type { EgressRoute } from "../../manifest/types.ts";

/** A route as the policy file carries it. */
export interface PolicyRoute extends EgressRoute {
  /**
   * The upstream CA inline (PEM). Preferred over `upstream_ca_file`: the daemon may only
   * read the files it was started with, and a hot reload can add routes.
   */
  upstream_ca_pem?: string;
}

export interface DlpRulePolicy {
  action?: "block" | "warn";
  /** Host rules (`example.com`, `*.example.com`) the rule does not apply to. */
  exempt_hosts?: string[];
}

/** Data-loss prevention settings; everything is optional (every rule blocks by default). */
export interface DlpPolicy {
  rules?: Record<string, DlpRulePolicy>;
  /** Request bodies larger than this (after decoding) are blocked. Default 64 MiB. */
  max_body_bytes?: number;
}

/**
 * The egress proxy's policy file (`policy.json` in the bottle directory). The proxy reads
 * it at start and again on SIGHUP; an invalid file leaves the previous policy in force.
 */
export interface EgressPolicy {
  version: 1;
  bottle: string;
  allow: string[];
  deny: string[];
  routes: PolicyRoute[];
  dlp?: DlpPolicy;
}
