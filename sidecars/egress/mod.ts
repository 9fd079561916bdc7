/**
 * What the rest of bot-bottle uses of the egress proxy (the daemon itself is main.ts): the
 * policy and secrets file formats, compiling a policy and deciding a destination, the file
 * the daemon records its loaded configuration in, and the test-only name-override variable.
 * The DLP rule ids (dlp/mod.ts) and the bottle CA (tls/mod.ts) have faces of their own.
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
  policySha256,
} from "./policy/mod.ts";
export type { InjectedSecret, SecretsFile } from "./secrets/mod.ts";
export { TEST_RESOLVE_ENV } from "./upstream/mod.ts";
