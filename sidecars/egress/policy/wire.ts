/**
 * The egress proxy's own wire format: the policy file the engine writes and the daemon reads.
 * Declared here, not borrowed from the manifest's types, so the proxy depends on nothing of
 * the engine; the engine's compiler must produce this shape (`deno check` holds it to that).
 */

/**
 * A route's `auth` as the manifest wrote it (where the operator keeps the secret, which
 * header carries it). The proxy does not read it: what it injects comes from the secrets
 * file.
 */
export interface PolicyRouteAuth {
  scheme: "bearer" | "x-api-key" | "basic" | "header";
  header?: string;
  secret: { env?: string; file?: string };
  agent_env?: string;
}

/** A route as the policy file carries it. */
export interface PolicyRoute {
  host: string;
  /** Only requests whose path starts with this prefix match the route. */
  path_prefix?: string;
  auth?: PolicyRouteAuth;
  /** Relay TLS untouched instead of intercepting it (host rules still apply). */
  passthrough: boolean;
  /** Send matching requests to this origin instead (`scheme://host[:port]`). */
  upstream?: string;
  /** Extra CA (PEM file) trusted for this route's upstream. */
  upstream_ca_file?: string;
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
  /** Hosts a human granted through supervise, on top of `allow` (`deny` still wins). */
  grants?: PolicyGrant[];
  /** The bottle has supervise: a refusal tells the agent it may ask (request_egress). */
  supervise?: boolean;
}

/**
 * One supervise grant: an exact host name (never a wildcard or an IP), maybe narrowed to a
 * port and a path prefix, live until `expires_at`. The proxy checks the expiry on every
 * connection and request, so a grant that runs out is refused at once, before the engine
 * rewrites the file without it.
 */
export interface PolicyGrant {
  host: string;
  port?: number;
  /** Only requests whose path starts with this (the host is then intercepted, never relayed). */
  path_prefix?: string;
  /** ISO 8601; absent: until revoked. */
  expires_at?: string;
  /** The supervise request it answers (named in the audit line). */
  request: number;
}
