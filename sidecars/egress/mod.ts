/**
 * What the rest of bot-bottle uses of the egress proxy (the daemon itself is main.ts): the
 * policy and secrets file formats, compiling a policy and deciding a destination, the file
 * the daemon records its loaded configuration in, and the test-only name-override variable.
 * The DLP rule ids (dlp/mod.ts) have a face of their own; the bottle CA generator (tls/ca.ts)
 * is the engine's and imported by file.
 *
 * The rooms, each entered through its mod.ts (layering_test.ts holds them to it), from the
 * bottom up:
 *   conn_io.ts  byte streams (plain and TLS) with buffered, deadline-bounded reads
 *   http/       message heads and bodies, reading them off a stream, the proxy's own answers
 *   tls/        the bottle CA, leaf certificates (own DER code), TLS toward the client (node:tls: lazily)
 *   dlp/        the DLP engine (loaded lazily)
 *   policy/     the policy file, host rules (from lib/net/) and routes, the verdict
 *   secrets/    the secrets file, the injected credentials, their wire forms as needles
 *   audit/      the audit log and the per-request recorder
 *   upstream/   names to checked addresses (the Resolver), dialling TCP and upstream TLS
 *   inspect/    what is checked before it leaves: placeholders, DLP findings, split secrets
 *   pipeline/   one request's path: target, route plan, injection, body, response, redaction
 *   tunnel/     CONNECT: relayed untouched, or intercepted (interception loads on first use)
 *   main.ts, proxy.ts, config_files.ts, dlp_loader.ts: the daemon and the proxy server
 * Test support lives in testing/ and dlp/testing/; the product never imports it.
 */
export {
  type CompiledPolicy,
  compilePolicy,
  decide,
  type Decision,
  type DlpPolicy,
  type DlpRulePolicy,
  type EgressPolicy,
  LOADED_POLICY_FILE,
  PolicyError,
  type PolicyRoute,
} from "./policy/mod.ts";
export type { InjectedSecret, SecretsFile } from "./secrets/mod.ts";
export { TEST_RESOLVE_ENV } from "./upstream/mod.ts";
