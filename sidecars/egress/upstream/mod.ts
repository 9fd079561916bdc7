/**
 * From an allowed host to a connection: the Resolver the proxy looks names up through and the
 * check of its answer (resolve.ts), dialling TCP and upstream TLS (dial.ts), and the
 * test-only name override (name_override.ts).
 */
export { connectUpstream, startUpstreamTls, UpstreamTlsError } from "./dial.ts";
export {
  parseTestResolve,
  resolverFromEnv,
  TEST_RESOLVE_ENV,
  withNameOverrides,
} from "./name_override.ts";
export {
  type Answer,
  checkAddresses,
  dnsResolver,
  type Found,
  type Lookup,
  type Resolution,
  type Resolver,
  resolveUpstream,
  systemLookup,
} from "./resolve.ts";
