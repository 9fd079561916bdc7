/**
 * The egress policy: its file format (wire.ts), validation into a compiled policy and the
 * verdict for a destination (decide.ts), supervise grants (grants.ts), routes (routes.ts),
 * the `dlp` section (dlp_settings.ts) and reading the file (file.ts).
 */
export {
  type CompiledPolicy,
  compilePolicy,
  decide,
  type Decision,
  PolicyError,
} from "./decide.ts";
export { type CompiledGrant, type GrantAllowance, grantRule } from "./grants.ts";
export { LOADED_POLICY_FILE, type LoadedPolicy, loadPolicyFile, pemCertificates } from "./file.ts";
export {
  type CompiledRoute,
  hasUpstreamOverride,
  isPassthrough,
  matchRoute,
  type Origin,
  routeId,
} from "./routes.ts";
export type {
  DlpPolicy,
  DlpRulePolicy,
  EgressPolicy,
  PolicyGrant,
  PolicyRoute,
  PolicyRouteAuth,
} from "./wire.ts";
